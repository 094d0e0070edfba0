using System.Net;
using Amazon.S3;
using Spawn.Aws;

namespace Spawn.Cli;

/// <summary>
/// A job's log as the result store has it (<c>{prefix}/jobs/{job}/stdout.log</c>), for <c>spawn queue logs</c> on a
/// machine that did not run the queue. Logs go up when their job finishes, so a running job has none there yet.
/// </summary>
internal static class S3QueueLog
{
    /// <summary>Copies the log to <paramref name="output"/>; false when S3 has none. Throws <see cref="S3ReadException"/>.</summary>
    public static async Task<bool> TryCopyAsync(S3QueueLocation where, string jobId, string stream, Stream output, CancellationToken cancellationToken)
    {
        var key = S3Keys.Join(where.Prefix, $"jobs/{jobId}/{stream}.log");
        try
        {
            using var client = S3ClientFactory.Create(where.Region);
            using var response = await client.GetObjectAsync(where.Bucket, key, cancellationToken).ConfigureAwait(false);
            await response.ResponseStream.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is "NoSuchKey" or "NotFound")
        {
            return false;
        }
        catch (Exception e) when (e is AmazonS3Exception or Amazon.Runtime.AmazonClientException or HttpRequestException or IOException)
        {
            throw new S3ReadException($"{S3Keys.Url(where.Bucket, key)}: {S3Failure.Describe(e)}", e);
        }
    }
}
