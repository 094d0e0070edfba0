using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Spawn.Aws;

namespace S3Upload;

/// <summary>One way of putting a local file at a key, as the result collector does for each file, one after another.</summary>
internal interface IUploader : IDisposable
{
    string Name { get; }

    Task PutAsync(string bucket, string key, string path, CancellationToken cancellationToken);
}

internal static class Clients
{
    /// <summary>A client for the emulator with the SDK's defaults: aws-chunked bodies with trailing CRC32 checksums.</summary>
    public static AmazonS3Client Defaults(string endpoint) => new(
        new BasicAWSCredentials("testing", "testing"),
        new AmazonS3Config { ServiceURL = endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    /// <summary>The client spawn built for custom endpoints while its tests ran on s3rver: checksums only where required.</summary>
    public static AmazonS3Client WhenRequired(string endpoint) => new(
        new BasicAWSCredentials("testing", "testing"),
        new AmazonS3Config
        {
            ServiceURL = endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
}

/// <summary>
/// The hand-written path spawn had while its tests ran on s3rver (src/Spawn.Aws/MultipartUpload.cs, until the switch
/// to TransferUtility): one plain signed PUT below 16 MiB, else a multipart upload of 8 MiB parts, 4 in flight, each
/// part a plain signed body (no aws-chunked), on a client with checksums only where required.
/// </summary>
internal sealed class HandWritten(string endpoint) : IUploader
{
    private const long Threshold = 16L * 1024 * 1024;
    private const long PartSize = 8L * 1024 * 1024;
    private const int ParallelParts = 4;

    private readonly AmazonS3Client client = Clients.WhenRequired(endpoint);

    public string Name => "hand-written (plain parts, when_required)";

    public async Task PutAsync(string bucket, string key, string path, CancellationToken cancellationToken)
    {
        var length = new FileInfo(path).Length;
        if (length < Threshold)
        {
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, FilePath = path, UseChunkEncoding = false }, cancellationToken);
            return;
        }

        var started = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, cancellationToken);
        var partCount = (int)((length + PartSize - 1) / PartSize);
        var etags = new PartETag[partCount];
        await Parallel.ForEachAsync(
            Enumerable.Range(1, partCount),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelParts, CancellationToken = cancellationToken },
            async (number, ct) =>
            {
                var offset = (number - 1) * PartSize;
                var response = await client.UploadPartAsync(
                    new UploadPartRequest
                    {
                        BucketName = bucket,
                        Key = key,
                        UploadId = started.UploadId,
                        PartNumber = number,
                        FilePath = path,
                        FilePosition = offset,
                        PartSize = Math.Min(PartSize, length - offset),
                        UseChunkEncoding = false,
                    },
                    ct);
                etags[number - 1] = new PartETag(number, response.ETag);
            });
        await client.CompleteMultipartUploadAsync(
            new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = started.UploadId, PartETags = [.. etags] },
            cancellationToken);
    }

    public void Dispose() => client.Dispose();
}

/// <summary>The SDK's TransferUtility with every default, on a client with the SDK's defaults.</summary>
internal sealed class TransferUtilityDefaults(string endpoint) : IUploader
{
    private readonly AmazonS3Client client = Clients.Defaults(endpoint);
    private TransferUtility? transfer;

    public string Name => "TransferUtility (SDK defaults)";

    public Task PutAsync(string bucket, string key, string path, CancellationToken cancellationToken) =>
        (transfer ??= new TransferUtility(client)).UploadAsync(path, bucket, key, cancellationToken);

    public void Dispose()
    {
        transfer?.Dispose();
        client.Dispose();
    }
}

/// <summary>What spawn ships, whichever way that is: S3ClientFactory's client for a custom endpoint and S3ResultStore.PutFileAsync.</summary>
internal sealed class SpawnAsBuilt(string endpoint) : IUploader
{
    private readonly AmazonS3Client client = S3ClientFactory.Create("us-east-1", endpoint);

    public string Name => "spawn S3ResultStore (as built)";

    public Task PutAsync(string bucket, string key, string path, CancellationToken cancellationToken) =>
        new S3ResultStore(bucket, "", client, new S3Retry(TimeProvider.System, TextWriter.Null)).PutFileAsync(key, path, cancellationToken);

    public void Dispose() => client.Dispose();
}
