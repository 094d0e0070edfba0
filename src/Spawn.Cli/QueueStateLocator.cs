using Spawn.Aws.Launch;
using Spawn.Core.State;
using Spawn.Storage;

namespace Spawn.Cli;

/// <summary>
/// Finds a queue's state from what the user typed: a state file path, the id of a queue run on this machine,
/// or the id of a queue whose state is mirrored to S3.
/// </summary>
internal sealed class QueueStateLocator(TimeProvider clock)
{
    public async Task<FoundQueue> FindAsync(string target, Commands.S3LocationFlags s3, CancellationToken cancellationToken)
    {
        if (File.Exists(target))
        {
            return Read(target, record: null);
        }

        if (InstanceTarget.Matches(target))
        {
            return await FindOnInstanceAsync(target, s3, cancellationToken).ConfigureAwait(false);
        }

        var record = LocalQueueRecord.TryRead(target);
        if (record is not null && File.Exists(record.StateFile) && s3.Bucket is null)
        {
            return Read(record.StateFile, record);
        }

        var remote = await S3QueueStatus.TryReadAsync(target, s3, record, clock, cancellationToken).ConfigureAwait(false);
        var instance = record is { Launched: true } ? await InstanceTarget.DescribeAsync(record.InstanceId!, record.Region ?? AwsClients.ResolveRegion(null), cancellationToken).ConfigureAwait(false) : null;
        return remote.State is not null
            ? new FoundQueue(remote.State, null, record, FromS3: true) { Instance = instance }
            : new FoundQueue(null, $"no state for \"{target}\": not a state file, not a queue run on this machine ({LocalQueueRecord.StateRoot}){remote.Problem}", record, FromS3: false);
    }

    /// <summary>An instance id: its tags name the queue and where in S3 its state is mirrored.</summary>
    private async Task<FoundQueue> FindOnInstanceAsync(string instanceId, Commands.S3LocationFlags s3, CancellationToken cancellationToken)
    {
        var resolved = await InstanceTarget.ResolveAsync(instanceId, s3.Region, cancellationToken).ConfigureAwait(false);
        if (resolved.Instance is not { QueueId: { } queueId } instance)
        {
            return new FoundQueue(null, resolved.Problem, null, FromS3: false);
        }

        var flags = new Commands.S3LocationFlags(instance.Bucket, instance.Prefix, instance.Region);
        var remote = await S3QueueStatus.TryReadAsync(queueId, flags, null, clock, cancellationToken).ConfigureAwait(false);
        return remote.State is not null
            ? new FoundQueue(remote.State, null, LocalQueueRecord.TryRead(queueId), FromS3: true) { Instance = resolved, Flags = flags }
            : new FoundQueue(null, $"instance {instanceId} ({instance.State}) runs queue {queueId}, but it has mirrored no state yet{remote.Problem} (the agent writes it once it starts, a minute or two after boot)", null, FromS3: false) { Instance = resolved };
    }

    private static FoundQueue Read(string path, LocalQueueRecord? record)
    {
        try
        {
            return new FoundQueue(StateFileReader.Read(path), null, record, FromS3: false);
        }
        catch (Spawn.Core.Ports.StateStoreException e)
        {
            return new FoundQueue(null, e.Message, record, FromS3: false);
        }
    }
}

/// <summary>A queue's state (or why there is none), this machine's record of it, and whether the state came from S3.</summary>
internal sealed record FoundQueue(QueueState? State, string? Problem, LocalQueueRecord? Record, bool FromS3)
{
    /// <summary>For a launched queue: EC2's view of its instance (or why there is none).</summary>
    public InstanceTargetResult? Instance { get; init; }

    /// <summary>Where in S3 the state was found when it was not the user's flags (an instance's tags).</summary>
    public Commands.S3LocationFlags? Flags { get; init; }
}
