namespace Spawn.Aws.Setup;

/// <summary>
/// The ARN partition of a region: IAM documents name resources by ARN, and China and GovCloud regions live in
/// partitions of their own, where an <c>arn:aws:</c> resource would match nothing.
/// </summary>
public static class ArnPartition
{
    public static string For(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
        : "aws";
}
