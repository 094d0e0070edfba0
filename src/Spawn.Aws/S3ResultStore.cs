using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Spawn.Core.Ports;

namespace Spawn.Aws;

/// <summary>
/// Results in <c>s3://{bucket}/{prefix}/…</c>. Files go up through the SDK's <see cref="TransferUtility"/> with its
/// defaults: one PUT below 16 MiB, else a multipart upload with parallel parts (aborted if it fails), each request
/// with the SDK's default integrity checksums. Every upload retries transient errors with backoff and then throws
/// <see cref="S3TransferException"/>, which the collector records as <c>results_uploaded: false</c> while the queue
/// goes on.
/// </summary>
public sealed class S3ResultStore : IResultStore
{
    private readonly string bucket;
    private readonly string prefix;
    private readonly IAmazonS3 client;
    private readonly S3Retry retry;

    public S3ResultStore(string bucket, string prefix, IAmazonS3 client, TimeProvider clock, TextWriter? log = null)
        : this(bucket, prefix, client, new S3Retry(clock, log ?? Console.Error))
    {
    }

    public S3ResultStore(string bucket, string prefix, IAmazonS3 client, S3Retry retry)
    {
        this.bucket = bucket;
        this.prefix = prefix.Trim('/');
        this.client = client;
        this.retry = retry;
    }

    public string Location => $"s3://{bucket}/{prefix}";

    public Task PutFileAsync(string key, string localPath, CancellationToken cancellationToken)
    {
        var objectKey = S3Keys.Join(prefix, key);
        return retry.RunAsync(
            $"upload of {localPath} to {S3Keys.Url(bucket, objectKey)}",
            ct => UploadAsync(objectKey, localPath, ct),
            cancellationToken);
    }

    public Task PutBytesAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var objectKey = S3Keys.Join(prefix, key);
        var bytes = content.ToArray();
        return retry.RunAsync(
            $"upload of {S3Keys.Url(bucket, objectKey)}",
            ct => client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = objectKey, InputStream = new MemoryStream(bytes, writable: false) }, ct),
            cancellationToken);
    }

    private async Task UploadAsync(string objectKey, string localPath, CancellationToken cancellationToken)
    {
        // A TransferUtility given a client does not own it: disposing it leaves the client alone.
        using var transfer = new TransferUtility(client);
        await transfer.UploadAsync(new TransferUtilityUploadRequest { BucketName = bucket, Key = objectKey, FilePath = localPath }, cancellationToken)
            .ConfigureAwait(false);
    }
}
