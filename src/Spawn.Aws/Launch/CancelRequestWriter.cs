using Amazon.S3;
using Amazon.S3.Model;
using Spawn.Core.Ports;

namespace Spawn.Aws.Launch;

/// <summary>
/// How <c>spawn queue cancel</c> tells an agent it cannot reach to stop the queue for good: the object
/// <c>{prefix}/control/cancel</c>, which the agent looks for while the queue runs (<see cref="S3CancelRequests"/>).
/// </summary>
public static class CancelRequestWriter
{
    public static async Task PutAsync(IAmazonS3 s3, string bucket, string prefix, CancelRequest request, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(CancelRequestJson.Serialize(request));
        await s3.PutObjectAsync(
            new PutObjectRequest { BucketName = bucket, Key = S3Keys.Join(prefix, S3Keys.CancelKey), InputStream = body, ContentType = "application/json" },
            cancellationToken).ConfigureAwait(false);
    }
}
