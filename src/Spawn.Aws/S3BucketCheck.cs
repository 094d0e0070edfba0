using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Spawn.Aws;

/// <summary>Whether a queue's bucket can take its results, asked once before the queue starts.</summary>
public static class S3BucketCheck
{
    /// <summary>Short: a network that is slow to come up must not hold the queue back; the uploads retry later anyway.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <see cref="BucketAnswer.Missing"/> only when S3 says the bucket does not exist (NoSuchBucket);
    /// <see cref="BucketAnswer.NoCredentials"/> when the SDK's credential chain finds none at all, so that not one
    /// upload could succeed. Anything else (no permission to list, no network, throttling, no answer in time) is not a
    /// reason to refuse a queue: its uploads will retry and report.
    /// </summary>
    public static async Task<BucketAnswer> AskAsync(string bucket, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var patience = new CancellationTokenSource(Patience, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, patience.Token);
        try
        {
            using var client = S3ClientFactory.Create(region: null);
            await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1 }, linked.Token).ConfigureAwait(false);
            return BucketAnswer.Usable;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            return BucketAnswer.Missing;
        }
        catch (AmazonClientException e) when (S3Failure.IsMissingCredentials(e))
        {
            return BucketAnswer.NoCredentials;
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return BucketAnswer.Unknown;
        }
    }
}

/// <summary>What <see cref="S3BucketCheck"/> learned: only <see cref="Missing"/> and <see cref="NoCredentials"/> refuse a run.</summary>
public enum BucketAnswer
{
    Usable,
    Unknown,
    Missing,
    NoCredentials,
}
