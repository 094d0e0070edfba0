using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Spawn.Aws;

/// <summary>Whether a queue's bucket exists, asked once before the queue starts.</summary>
public static class S3BucketCheck
{
    /// <summary>Short: a network that is slow to come up must not hold the queue back; the uploads retry later anyway.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>
    /// True only when S3 says the bucket does not exist (NoSuchBucket). Anything else (no permission to list, no
    /// network, no answer in time) is not a reason to refuse a queue: its uploads will retry and report.
    /// </summary>
    public static async Task<bool> IsMissingAsync(string bucket, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var patience = new CancellationTokenSource(Patience, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, patience.Token);
        try
        {
            using var client = S3ClientFactory.Create(region: null);
            await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1 }, linked.Token).ConfigureAwait(false);
            return false;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            return true;
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
