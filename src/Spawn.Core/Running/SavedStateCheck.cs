using Spawn.Core.Model;
using Spawn.Core.Ports;
using Spawn.Core.State;

namespace Spawn.Core.Running;

/// <summary>
/// A saved state is only resumed when it belongs to this queue file: same queue id and the same set of jobs.
/// Anything else would silently mix two pipelines, so it stops the run instead.
/// </summary>
public static class SavedStateCheck
{
    public static void EnsureBelongsTo(QueueState saved, QueueDefinition queue, string location)
    {
        if (saved.QueueId != queue.QueueId)
        {
            throw new StateStoreException(
                $"state file {location} belongs to queue \"{saved.QueueId}\", not \"{queue.QueueId}\": left untouched; " +
                "use another --state-file, or --fresh to start over (the old file is kept as a backup)");
        }

        if (JobSetDifference(saved, queue) is var (added, removed))
        {
            var detail = string.Join("; ", new[]
            {
                added.Count > 0 ? "new in the file: " + string.Join(", ", added) : null,
                removed.Count > 0 ? "gone from the file: " + string.Join(", ", removed) : null,
            }.Where(s => s is not null));
            throw new StateStoreException(
                $"state file {location} was written for a different job set of queue \"{queue.QueueId}\" ({detail}): left untouched; " +
                "use --fresh to start over (the old file is kept as a backup)");
        }
    }

    /// <summary>The job ids only in the queue file and those only in the state (at most five of each); null when both
    /// hold the same jobs.</summary>
    public static (IReadOnlyList<string> Added, IReadOnlyList<string> Removed)? JobSetDifference(QueueState state, QueueDefinition queue)
    {
        var stored = state.Jobs.Select(j => j.JobId).ToHashSet(StringComparer.Ordinal);
        var given = queue.Jobs.Select(j => j.JobId).ToHashSet(StringComparer.Ordinal);
        return stored.SetEquals(given) ? null : ([.. given.Except(stored).Take(5)], [.. stored.Except(given).Take(5)]);
    }
}
