using Amazon.Runtime;
using Amazon.S3;
using Spawn.Aws;

namespace Spawn.Cli.Listing;

/// <summary>
/// Reads the mirrored state of many launched queues at once: in parallel (a few at a time), all within one
/// deadline, so a long list stays quick and a slow or failing bucket costs one cell, not the command.
/// </summary>
internal sealed class MirroredStates(TimeProvider clock)
{
    /// <summary>For the whole list, not per queue: long enough for a slow link, short enough to stay interactive.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(8);

    /// <summary>Enough to overlap the round trips; few enough not to be throttled by S3 or to flood a slow link.</summary>
    private const int AtOnce = 8;

    /// <summary>The state of every queue in <paramref name="queues"/>, by instance id.</summary>
    public async Task<IReadOnlyDictionary<string, MirroredState>> ReadAsync(IReadOnlyList<LaunchedQueue> queues, CancellationToken cancellationToken)
    {
        var clients = new Dictionary<string, IAmazonS3>(StringComparer.Ordinal);
        using var patience = new CancellationTokenSource(Patience, clock);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, patience.Token);
        using var gate = new SemaphoreSlim(AtOnce);
        try
        {
            var states = await Task.WhenAll(queues.Select(q => ReadOneAsync(q, clients, gate, bounded.Token, cancellationToken))).ConfigureAwait(false);
            return queues.Zip(states).ToDictionary(p => p.First.InstanceId, p => p.Second, StringComparer.Ordinal);
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    private async Task<MirroredState> ReadOneAsync(
        LaunchedQueue queue, Dictionary<string, IAmazonS3> clients, SemaphoreSlim gate, CancellationToken bounded, CancellationToken cancellationToken)
    {
        if (queue.Bucket is null)
        {
            return MirroredState.Nothing;
        }

        var url = $"{queue.ResultsUrl}/{S3Keys.StateKey}";
        try
        {
            await gate.WaitAsync(bounded).ConfigureAwait(false);
            try
            {
                // spawn launch keeps the bucket in the instance's region (spawn-results-{region} by default).
                var reader = new S3StateReader(ClientFor(clients, queue.Region), clock);
                var state = await reader.ReadAsync(queue.Bucket, queue.Prefix ?? "", bounded).ConfigureAwait(false);
                return state is null ? MirroredState.Nothing : new MirroredState(state, null);
            }
            finally
            {
                gate.Release();
            }
        }
        catch (S3ReadException e)
        {
            return new MirroredState(null, e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new MirroredState(null, $"{url}: no answer within {Patience.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is AmazonClientException or ArgumentException)
        {
            // An unusable SDK configuration (bad endpoint, profile) surfaces here, before any request.
            return new MirroredState(null, $"{url}: {S3Failure.Describe(e)}");
        }
    }

    /// <summary>One client per region, shared by that region's reads.</summary>
    private static IAmazonS3 ClientFor(Dictionary<string, IAmazonS3> clients, string region)
    {
        lock (clients)
        {
            if (!clients.TryGetValue(region, out var client))
            {
                client = S3ClientFactory.Create(region);
                clients[region] = client;
            }

            return client;
        }
    }
}
