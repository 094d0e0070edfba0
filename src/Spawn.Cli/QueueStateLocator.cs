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

        var record = LocalQueueRecord.TryRead(target);
        if (record is not null && File.Exists(record.StateFile) && s3.Bucket is null)
        {
            return Read(record.StateFile, record);
        }

        var remote = await S3QueueStatus.TryReadAsync(target, s3, record, clock, cancellationToken).ConfigureAwait(false);
        return remote.State is not null
            ? new FoundQueue(remote.State, null, record, FromS3: true)
            : new FoundQueue(null, $"no state for \"{target}\": not a state file, not a queue run on this machine ({LocalQueueRecord.StateRoot}){remote.Problem}", record, FromS3: false);
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
internal sealed record FoundQueue(QueueState? State, string? Problem, LocalQueueRecord? Record, bool FromS3);
