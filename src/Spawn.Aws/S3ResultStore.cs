using Amazon.S3;
using Amazon.S3.Model;
using Spawn.Core.Ports;

namespace Spawn.Aws;

/// <summary>
/// Results in <c>s3://{bucket}/{prefix}/…</c>. Large files go up as multipart uploads with parallel parts; every
/// upload retries transient errors with backoff and then throws <see cref="S3TransferException"/>, which the
/// collector records as <c>results_uploaded: false</c> while the queue goes on.
/// </summary>
public sealed class S3ResultStore : IResultStore
{
    /// <summary>Files from this size up are sent in parts, several at a time.</summary>
    public const long MultipartThreshold = 16L * 1024 * 1024;

    private const long PartSize = 8L * 1024 * 1024;
    private const int ParallelParts = 4;

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
            ct => new FileInfo(localPath).Length >= MultipartThreshold
                ? UploadInPartsAsync(objectKey, localPath, ct)
                : client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = objectKey, FilePath = localPath, UseChunkEncoding = false }, ct),
            cancellationToken);
    }

    public Task PutBytesAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var objectKey = S3Keys.Join(prefix, key);
        var bytes = content.ToArray();
        return retry.RunAsync(
            $"upload of {S3Keys.Url(bucket, objectKey)}",
            ct => client.PutObjectAsync(
                new PutObjectRequest { BucketName = bucket, Key = objectKey, InputStream = new MemoryStream(bytes, writable: false), UseChunkEncoding = false },
                ct),
            cancellationToken);
    }

    private Task UploadInPartsAsync(string objectKey, string localPath, CancellationToken cancellationToken) =>
        new MultipartUpload(client, bucket, objectKey, localPath, PartSize, ParallelParts).RunAsync(cancellationToken);
}
