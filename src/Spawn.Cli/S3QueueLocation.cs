namespace Spawn.Cli;

/// <summary>
/// Where a queue's results and mirrored state live in S3: flags first, then what this machine recorded when it ran
/// the queue, then the convention <c>spawn-results-{region}</c> / <c>queues/{queue_id}</c>.
/// </summary>
internal sealed record S3QueueLocation(string Bucket, string Prefix, string Region)
{
    private const string DefaultRegion = "us-east-1";

    public static S3QueueLocation Resolve(string queueId, Commands.S3LocationFlags flags, LocalQueueRecord? record)
    {
        var resolvedRegion = FirstSet(
            flags.Region,
            record?.Region,
            Environment.GetEnvironmentVariable("AWS_REGION"),
            Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION")) ?? DefaultRegion;
        return new S3QueueLocation(
            FirstSet(flags.Bucket, record?.ResultS3Bucket) ?? $"spawn-results-{resolvedRegion}",
            (FirstSet(flags.Prefix, record?.ResultPrefix) ?? $"queues/{queueId}").Trim('/'),
            resolvedRegion);
    }

    public string Url => $"s3://{Bucket}/{Prefix}";

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
