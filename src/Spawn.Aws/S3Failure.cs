using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace Spawn.Aws;

/// <summary>Sorts S3 errors into worth-retrying or not, and says what they mean in words a user can act on.</summary>
public static class S3Failure
{
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "RequestTimeout", "SlowDown", "InternalError", "ServiceUnavailable", "Throttling", "ThrottlingException", "RequestTimeTooSkewed",
    };

    /// <summary>Connection refused or reset, timeouts, 5xx and throttling: the same request may well succeed later.</summary>
    public static bool IsTransient(Exception error)
    {
        // Missing credentials carry the instance-metadata connection failure inside; waiting does not create them.
        if (IsMissingCredentials(error))
        {
            return false;
        }

        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AmazonServiceException service when (int)service.StatusCode >= 500 || (int)service.StatusCode == 429:
                case AmazonServiceException { ErrorCode: { } code } when TransientCodes.Contains(code):
                // A read that raced an overwrite (stores that replace objects in place) fails its checksum; read again.
                case AmazonClientException torn when torn.Message.Contains("hash not equal", StringComparison.OrdinalIgnoreCase):
                case HttpRequestException:
                case SocketException:
                case IOException and not S3TransferException:
                case TimeoutException:
                case TaskCanceledException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>One line for the state file's error_message and the terminal.</summary>
    public static string Describe(Exception error) => error switch
    {
        AmazonS3Exception { ErrorCode: "NoSuchBucket" } => "the bucket does not exist (check its name: result_s3_bucket in the queue file, or the --bucket given)",
        AmazonS3Exception { ErrorCode: "AccessDenied" or "AllAccessDisabled" } e =>
            $"access denied ({e.Message}): the credentials in use need s3:PutObject, s3:GetObject and s3:ListBucket on the bucket",
        AmazonS3Exception { ErrorCode: "InvalidAccessKeyId" or "SignatureDoesNotMatch" } e =>
            $"{e.ErrorCode}: the AWS credentials are not valid for this endpoint ({e.Message})",
        AmazonServiceException { ErrorCode: { Length: > 0 } code } e => $"{code}: {e.Message}",
        AmazonServiceException e => $"HTTP {(int)e.StatusCode}: {e.Message}",
        _ when IsMissingCredentials(error) =>
            "no AWS credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an instance role)",
        _ when Innermost(error) is { } inner && inner != error => $"{error.Message} ({inner.Message})",
        _ => error.Message,
    };

    /// <summary>The SDK's credential chain found no credentials at all (not: credentials S3 refused).</summary>
    internal static bool IsMissingCredentials(Exception error) =>
        error is AmazonClientException
        && error.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase);

    private static Exception Innermost(Exception error)
    {
        var e = error;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
