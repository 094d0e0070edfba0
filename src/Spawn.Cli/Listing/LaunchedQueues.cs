using Spawn.Aws.Launch;

namespace Spawn.Cli.Listing;

/// <summary>Merges this machine's records of launched queues with the instances EC2 lists, by instance id.</summary>
internal static class LaunchedQueues
{
    public const string Unknown = "unknown";

    /// <param name="records">Launched queues this machine remembers, in the listed regions.</param>
    /// <param name="instances">Every instance tagged spawn:queue-id in the regions that answered.</param>
    /// <param name="unanswered">Regions whose EC2 could not be asked: their records' instances are in no known state.</param>
    /// <param name="defaultRegion">The region of a record that names none.</param>
    public static IReadOnlyList<LaunchedQueue> Merge(
        IEnumerable<LocalQueueRecord> records, IEnumerable<LaunchedInstance> instances, IReadOnlySet<string> unanswered, string defaultRegion)
    {
        var byInstance = new Dictionary<string, LaunchedQueue>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var region = record.Region ?? defaultRegion;
            byInstance[record.InstanceId!] = new LaunchedQueue(
                record.QueueId,
                record.InstanceId!,
                region,
                unanswered.Contains(region) ? null : Unknown,
                record.ResultS3Bucket,
                record.ResultPrefix,
                record.LaunchedAt);
        }

        // The instance's tags win over the record: they say where its agent actually writes.
        foreach (var instance in instances)
        {
            var known = byInstance.GetValueOrDefault(instance.InstanceId);
            byInstance[instance.InstanceId] = new LaunchedQueue(
                instance.QueueId ?? known?.QueueId ?? "-",
                instance.InstanceId,
                instance.Region,
                instance.State,
                instance.Bucket ?? known?.Bucket,
                instance.Bucket is null ? known?.Prefix : instance.Prefix,
                instance.LaunchTime ?? known?.LaunchedAt);
        }

        return [.. byInstance.Values];
    }
}
