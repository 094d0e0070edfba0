namespace Spawn.Core.Parsing;

/// <summary>
/// Where some fields of a valid file were written (a job's <c>cpus</c> and <c>gpus</c>). Whether a job fits the
/// machine is known only after parsing — by the agent, or by <c>spawn launch</c> against the instance type — and that
/// error must still point at the field like every other one. Kept beside the model rather than in it: two files that
/// say the same thing in another layout are the same queue.
/// </summary>
public sealed class FieldPositions
{
    public static readonly FieldPositions None = new([]);

    private readonly Dictionary<(int Job, string Field), (int Line, int Column)> _at;

    internal FieldPositions(Dictionary<(int Job, string Field), (int Line, int Column)> at) => _at = at;

    /// <summary>The 1-based line and column of <c>jobs[job].field</c>'s value, or null when it was not written.</summary>
    public (int Line, int Column)? Of(int job, string field) => _at.TryGetValue((job, field), out var at) ? at : null;
}
