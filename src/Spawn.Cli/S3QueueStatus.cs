using Spawn.Aws;
using Spawn.Core.State;
using Spawn.Core.Validation;

namespace Spawn.Cli;

/// <summary>The state a queue running elsewhere mirrors to S3, for <c>spawn queue status|logs QUEUE_ID</c>.</summary>
internal static class S3QueueStatus
{
    /// <summary>Long enough for a slow network, short enough that a mistyped id does not hang the terminal.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The mirrored state, or a null state with <see cref="S3QueueStatusResult.Problem"/> saying why, written to follow
    /// another message (<c>"; S3 s3://b/p/queue-state.json: not found"</c>), or empty when S3 was not asked.
    /// </summary>
    public static async Task<S3QueueStatusResult> TryReadAsync(string queueId, Commands.S3LocationFlags flags, LocalQueueRecord? record, TimeProvider clock, CancellationToken ct)
    {
        // A queue run here without a bucket mirrors nothing (unless --bucket says otherwise); something that is not
        // an id is no S3 key either.
        if (!IdentifierRules.IsValidId(queueId) || (record is { ResultS3Bucket: null } && flags.Bucket is null))
        {
            return new S3QueueStatusResult(null, "");
        }

        var where = S3QueueLocation.Resolve(queueId, flags, record);
        var stateUrl = $"{where.Url}/{S3Keys.StateKey}";
        using var patience = new CancellationTokenSource(Patience, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, patience.Token);
        try
        {
            using var client = S3ClientFactory.Create(where.Region);
            var state = await new S3StateReader(client).ReadAsync(where.Bucket, where.Prefix, linked.Token).ConfigureAwait(false);
            return state is null
                ? new S3QueueStatusResult(null, $"; S3 {stateUrl}: not found")
                : new S3QueueStatusResult(state, "");
        }
        catch (S3ReadException e)
        {
            return new S3QueueStatusResult(null, $"; S3 {e.Message}");
        }
        catch (OperationCanceledException) when (patience.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return new S3QueueStatusResult(null, $"; S3 {stateUrl}: no answer within {Patience.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonClientException or ArgumentException)
        {
            // Bad region names or unusable SDK configuration surface here, before any request.
            return new S3QueueStatusResult(null, $"; S3 {stateUrl}: {e.Message}");
        }
    }
}

internal sealed record S3QueueStatusResult(QueueState? State, string Problem);
