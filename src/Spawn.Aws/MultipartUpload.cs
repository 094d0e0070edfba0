using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Spawn.Aws;

/// <summary>
/// One large file sent as a multipart upload with several parts in flight. Written here rather than through
/// TransferUtility because its part requests always use aws-chunked encoding, which S3-compatible stores such as
/// s3rver store verbatim; plain signed parts are byte-exact everywhere. A failed upload is aborted so that no
/// orphaned parts keep costing storage.
/// </summary>
internal sealed class MultipartUpload(IAmazonS3 client, string bucket, string key, string localPath, long partSize, int parallelParts)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var length = new FileInfo(localPath).Length;
        var started = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, cancellationToken)
            .ConfigureAwait(false);
        try
        {
            var partCount = (int)((length + partSize - 1) / partSize);
            var etags = new PartETag[partCount];
            await Parallel.ForEachAsync(
                Enumerable.Range(1, partCount),
                new ParallelOptions { MaxDegreeOfParallelism = parallelParts, CancellationToken = cancellationToken },
                async (number, ct) =>
                {
                    var offset = (number - 1) * partSize;
                    var response = await client.UploadPartAsync(
                        new UploadPartRequest
                        {
                            BucketName = bucket,
                            Key = key,
                            UploadId = started.UploadId,
                            PartNumber = number,
                            FilePath = localPath,
                            FilePosition = offset,
                            PartSize = Math.Min(partSize, length - offset),
                            UseChunkEncoding = false,
                        },
                        ct).ConfigureAwait(false);
                    etags[number - 1] = new PartETag(number, response.ETag);
                }).ConfigureAwait(false);

            await client.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = started.UploadId, PartETags = [.. etags] },
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbortQuietlyAsync(started.UploadId).ConfigureAwait(false);
            throw;
        }
    }

    private async Task AbortQuietlyAsync(string uploadId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId }, timeout.Token)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or OperationCanceledException or HttpRequestException)
        {
            // The store may be the reason the upload failed; a lifecycle rule cleans up what is left.
        }
    }
}
