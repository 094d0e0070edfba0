using Spawn.Aws.Launch;

namespace Spawn.Cli.Launch;

/// <summary>The queue <c>spawn queue resume</c> goes on with: its home in S3 and the instance it last ran on.</summary>
internal sealed record ResumeSource(string QueueId, string Bucket, string Prefix, string Region, string? InstanceId)
{
    /// <summary>From an instance id (its tags), or a queue id this machine launched; else a problem in words.</summary>
    public static async Task<(ResumeSource? Source, string? Problem)> FindAsync(string target, string? regionFlag, CancellationToken cancellationToken)
    {
        if (InstanceTarget.Matches(target))
        {
            var found = await InstanceTarget.ResolveAsync(target, regionFlag, cancellationToken).ConfigureAwait(false);
            return found.Instance is { QueueId: { } queueId, Bucket: { } bucket, Prefix: { } prefix } instance
                ? (new ResumeSource(queueId, bucket, prefix, instance.Region, instance.InstanceId), null)
                : (null, found.Problem);
        }

        return LocalQueueRecord.TryRead(target) is { Launched: true, ResultS3Bucket: { } b, ResultPrefix: var p } record
            ? (new ResumeSource(record.QueueId, b, p, regionFlag ?? record.Region ?? AwsClients.ResolveRegion(null), record.InstanceId), null)
            : (null, $"this machine launched no queue \"{target}\" ({LocalQueueRecord.StateRoot}): give the instance id (i-…) it ran on, which `spawn queue list` shows");
    }
}
