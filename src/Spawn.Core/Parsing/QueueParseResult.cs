using Spawn.Core.Model;

namespace Spawn.Core.Parsing;

/// <summary>
/// What parsing a queue file produced. <paramref name="Queue"/> is set only when <paramref name="Errors"/> is empty.
/// <paramref name="Defaults"/> says, in sentences, which of the guide's "required" fields were absent and what is
/// used instead (e.g. <c>on_failure not set: using "stop"</c>).
/// </summary>
public sealed record QueueParseResult(QueueDefinition? Queue, IReadOnlyList<QueueError> Errors, IReadOnlyList<string> Defaults)
{
    public bool IsValid => Queue is not null;

    /// <summary>True when the file had no <c>queue_id</c> and one was generated from the clock.</summary>
    public bool QueueIdGenerated { get; init; }

    /// <summary>Where each job's <c>cpus</c> and <c>gpus</c> were written, for the check against the machine.</summary>
    public FieldPositions Positions { get; init; } = FieldPositions.None;
}
