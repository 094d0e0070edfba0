using System.Globalization;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace Spawn.Aws.Launch;

/// <summary>
/// <c>{prefix}/control/cancel</c>: how <c>spawn queue cancel</c> tells an agent it cannot reach to stop the queue
/// for good. The agent looks for it while the queue runs; the object says when and by whom.
/// </summary>
public static class CancelRequest
{
    public const string Key = "control/cancel";

    public static async Task PutAsync(IAmazonS3 s3, string bucket, string prefix, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var body = $"{{\"requested_at\": \"{at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}\", \"requested_by\": \"{Environment.UserName}@{Environment.MachineName}\"}}\n";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(body));
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = S3Keys.Join(prefix, Key), InputStream = stream, ContentType = "application/json" }, cancellationToken).ConfigureAwait(false);
    }
}
