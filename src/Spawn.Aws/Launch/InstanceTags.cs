namespace Spawn.Aws.Launch;

/// <summary>
/// The tags <c>spawn launch</c> puts on an instance and its volumes. <see cref="Results"/> leads every later command
/// from an instance id to the queue's home in S3 (<c>s3://bucket/prefix</c>): state mirror, logs, results.
/// </summary>
public static class InstanceTags
{
    public const string Name = "Name";
    public const string QueueId = "spawn:queue-id";
    public const string Results = "spawn:results";

    /// <summary>Splits <c>s3://bucket/prefix</c>; null when the value is not of that form.</summary>
    public static (string Bucket, string Prefix)? ParseResults(string? value)
    {
        const string scheme = "s3://";
        if (value is null || !value.StartsWith(scheme, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = value[scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0 ? (rest, "") : (rest[..slash], rest[(slash + 1)..].Trim('/'));
    }

    public static string FormatResults(string bucket, string prefix) => $"s3://{bucket}/{prefix.Trim('/')}";
}
