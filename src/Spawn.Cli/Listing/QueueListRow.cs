using Spawn.Cli.Rendering;
using Spawn.Core.State;

namespace Spawn.Cli.Listing;

/// <summary>One line of <c>spawn queue list</c>: the queue and its instance, with what its agent mirrored to S3.</summary>
internal sealed record QueueListRow(LaunchedQueue Queue, MirroredState Mirror)
{
    /// <summary>The queue's status word, or null when nothing is mirrored yet or it could not be read (<see cref="MirroredState.IsUnknown"/>).</summary>
    public string? QueueStatus => Mirror.State is { } state ? StatusTable.Word(state.Status) : null;

    /// <summary>When the queue started, as its state says; until the agent has written one, when the instance was launched.</summary>
    public DateTimeOffset? StartedAt => Mirror.State?.StartedAt ?? Queue.LaunchedAt;

    public int? JobsDone => Mirror.State?.Jobs.Count(j => j.Status == JobStatus.Completed);

    public int? JobsTotal => Mirror.State?.Jobs.Count;

    /// <summary>Newest first: by launch (or start, for a record that has no launch time), then by queue id.</summary>
    public static IReadOnlyList<QueueListRow> NewestFirst(IEnumerable<QueueListRow> rows) =>
        [.. rows.OrderByDescending(r => r.Queue.LaunchedAt ?? r.Mirror.State?.StartedAt ?? DateTimeOffset.MinValue)
            .ThenBy(r => r.Queue.QueueId, StringComparer.Ordinal)];
}
