using Amazon.Runtime;

namespace Spawn.Aws.Launch;

/// <summary>One line for an AWS failure of the launch-side commands (the guide's "Queue Won't Start"), never a stack trace.</summary>
public static class AwsErrorText
{
    public static bool IsAwsFailure(Exception error) =>
        error is AmazonServiceException or AmazonClientException or HttpRequestException or TaskCanceledException;

    public static string Describe(Exception error) => error switch
    {
        AmazonServiceException { ErrorCode: "UnauthorizedOperation" or "AccessDenied" or "AccessDeniedException" } e =>
            $"not allowed: {e.Message} (the launching credentials need the permissions listed in docs/iam.md)",
        AmazonServiceException { ErrorCode: "AuthFailure" or "InvalidClientTokenId" or "SignatureDoesNotMatch" or "ExpiredToken" } e =>
            $"the AWS credentials were refused ({e.ErrorCode}): {e.Message}",
        AmazonServiceException { ErrorCode: "InsufficientInstanceCapacity" } e =>
            $"EC2 has no capacity for this instance type here right now: {e.Message} (try another type, zone (--subnet) or region, or later; for spot, --spot-fallback on-demand)",
        AmazonServiceException { ErrorCode: "InvalidInstanceType" or "InvalidParameterValue" } e when e.Message.Contains("instance type", StringComparison.OrdinalIgnoreCase) =>
            $"unknown instance type: {e.Message}",
        _ => S3Failure.Describe(error),
    };
}
