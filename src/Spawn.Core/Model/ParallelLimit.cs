using System.Globalization;

namespace Spawn.Core.Model;

/// <summary>
/// The queue's <c>max_parallel</c>: how many jobs may run at once. <see cref="Count"/> is null for <c>"auto"</c>, which
/// means the machine's CPU count and so is resolved only where the machine is known (the agent, not the parser).
/// </summary>
public readonly record struct ParallelLimit(int? Count)
{
    /// <summary>The default: one job at a time, exactly as the guide runs a queue.</summary>
    public static readonly ParallelLimit One = new(1);

    public static readonly ParallelLimit Auto = new((int?)null);

    public bool IsAuto => Count is null;

    /// <summary>The number of jobs that may run at once on a machine with <paramref name="machineCpus"/> CPUs.</summary>
    public int Resolve(int machineCpus) => Count ?? Math.Max(1, machineCpus);

    /// <summary>
    /// A limit as a flag spells it (<c>--parallel 4</c>, <c>--parallel auto</c>); null when it is neither a whole number
    /// of at least 1 nor "auto".
    /// </summary>
    public static ParallelLimit? Parse(string text) =>
        text == "auto" ? Auto
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1 ? new ParallelLimit(count)
        : null;

    /// <summary>As a queue file spells it: <c>3</c> or <c>"auto"</c>.</summary>
    public override string ToString() => Count?.ToString(CultureInfo.InvariantCulture) ?? "auto";
}
