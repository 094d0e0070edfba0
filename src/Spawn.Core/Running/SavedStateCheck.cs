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

        var savedIds = saved.Jobs.Select(j => j.JobId).ToHashSet(StringComparer.Ordinal);
        var fileIds = queue.Jobs.Select(j => j.JobId).ToHashSet(StringComparer.Ordinal);
        if (!savedIds.SetEquals(fileIds))
        {
            var added = fileIds.Except(savedIds).Take(5).ToList();
            var removed = savedIds.Except(fileIds).Take(5).ToList();
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
}
