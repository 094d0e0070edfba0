using System.Net;
using Amazon.S3;
using Spawn.Core.State;

namespace Spawn.Aws;

/// <summary>Reads the state a queue mirrors to <c>s3://{bucket}/{prefix}/queue-state.json</c>.</summary>
public sealed class S3StateReader(IAmazonS3 client, TimeProvider? clock = null)
{
    private const int Attempts = 3;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    /// <summary>The mirrored state, or null when there is none. Throws <see cref="S3ReadException"/> with a reason otherwise.</summary>
    public async Task<QueueState?> ReadAsync(string bucket, string prefix, CancellationToken cancellationToken)
    {
        var key = S3Keys.Join(prefix, S3Keys.StateKey);
        byte[]? bytes = null;
        for (var attempt = 1; bytes is null; attempt++)
        {
            try
            {
                using var response = await client.GetObjectAsync(bucket, key, cancellationToken).ConfigureAwait(false);
                using var buffer = new MemoryStream();
                await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                bytes = buffer.ToArray();
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is "NoSuchKey" or "NotFound")
            {
                return null;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The running queue rewrites this object every second; a read may race a write, or the network blink.
                // Some S3-compatible servers answer a read racing a write with headers the SDK cannot parse (an
                // ETag that is not hex): that, too, is worth another try.
                if (attempt >= Attempts || !(S3Failure.IsTransient(e) || e is ArgumentException))
                {
                    throw new S3ReadException($"{S3Keys.Url(bucket, key)}: {S3Failure.Describe(e)}", e);
                }

                await Task.Delay(Pause, clock ?? TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
        }

        try
        {
            return QueueStateJson.Deserialize(bytes);
        }
        catch (FormatException e)
        {
            throw new S3ReadException($"{S3Keys.Url(bucket, key)} is not a queue state file: {e.Message}", e);
        }
    }
}

/// <summary>Something in S3 could not be read; the message says what and why.</summary>
public sealed class S3ReadException(string message, Exception? inner = null) : Exception(message, inner);
