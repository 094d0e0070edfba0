using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Spawn.Core.Ports;

namespace Spawn.Aws;

/// <summary>
/// Watches <c>{prefix}/control/cancel</c>, the object <c>spawn queue cancel</c> puts before it ends the instance: one
/// GET at once, then one every <see cref="Interval"/>. A look that fails (no network, no permission, no answer within
/// a few seconds) is reported once and the watch goes on: a network blip must neither end a queue nor stop the watch.
/// </summary>
/// <param name="notBefore">Requests made before this are history even if the queue started earlier: a queue cancelled,
/// then resumed on a new instance by <c>spawn queue resume</c> at this time, must not end again at once.</param>
public sealed class S3CancelRequests(IAmazonS3 client, string bucket, string prefix, TimeProvider clock, TextWriter log, DateTimeOffset? notBefore = null)
    : ICancelRequests, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>A look with no answer by then counts as "no request", so the next one comes on time.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>
    /// S3 gives an object's time to the second, from its own clock: a request is taken as made since the queue's
    /// start unless it is older by more than this. A request left from an earlier run of the same queue id is minutes
    /// or days older, not seconds.
    /// </summary>
    private static readonly TimeSpan ClockSlack = TimeSpan.FromSeconds(5);

    /// <summary>Larger bodies are not requests anyone wrote; the first bytes are enough to say so.</summary>
    private const int MaximumBody = 64 * 1024;

    private readonly string key = S3Keys.Join(prefix, S3Keys.CancelKey);
    private int failureReported;

    public string Location => S3Keys.Url(bucket, key);

    public async Task<CancelRequest> WaitAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await CheckAsync(since, cancellationToken).ConfigureAwait(false) is { } request)
            {
                return request;
            }

            await Task.Delay(Interval, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<CancelRequest?> CheckAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        using var patience = new CancellationTokenSource(Patience, clock);
        using var look = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, patience.Token);
        try
        {
            using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, look.Token).ConfigureAwait(false);
            var body = await ReadBodyAsync(response.ResponseStream, look.Token).ConfigureAwait(false);
            var storedAt = response.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime(), TimeSpan.Zero) : clock.GetUtcNow();
            var floor = notBefore is { } resumed && resumed > since ? resumed : since;
            return storedAt + ClockSlack < floor ? null : CancelRequestJson.Parse(body, storedAt);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested
            && e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or OperationCanceledException)
        {
            if (Interlocked.Exchange(ref failureReported, 1) == 0)
            {
                var why = e is OperationCanceledException ? $"no answer within {Patience.TotalSeconds:0} s" : S3Failure.Describe(e);
                await log.WriteLineAsync(
                    $"spored: warning: could not look for a cancel request at {Location} (the queue goes on; looking again every {Interval.TotalSeconds:0} s, later failures are not reported): {why}")
                    .ConfigureAwait(false);
            }

            return null;
        }
    }

    public void Dispose() => client.Dispose();

    private static async Task<byte[]> ReadBodyAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaximumBody];
        var length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return buffer[..length];
    }
}
