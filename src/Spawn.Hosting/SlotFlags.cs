using System.Globalization;
using Spawn.Core.Model;

namespace Spawn.Hosting;

/// <summary>
/// The slot flags of <c>spawn queue run</c> and <c>spored run-queue</c>, as given: <c>--parallel N|auto</c> overrides the
/// queue's <c>max_parallel</c>; <c>--cpus N</c> and <c>--gpus N</c> say what the machine has when the agent cannot see it.
/// </summary>
public sealed record SlotFlags(string? Parallel, int? Cpus, int? Gpus)
{
    public static readonly SlotFlags None = new(null, null, null);

    /// <summary>What is wrong with the values, one line each (exit 2, nothing run).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Parallel is { } parallel && ParallelLimit.Parse(parallel) is null)
        {
            problems.Add($"--parallel must be a whole number of at least 1 or \"auto\" (the machine's CPU count), found \"{parallel}\"");
        }

        if (Cpus is < 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"--cpus must be at least 1, found {Cpus}"));
        }

        if (Gpus is < 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"--gpus must be 0 or more, found {Gpus}"));
        }

        return problems;
    }

    /// <summary>The limit the run uses: <c>--parallel</c> when given, else the queue's.</summary>
    public ParallelLimit LimitFor(QueueDefinition queue) => Parallel is { } text && ParallelLimit.Parse(text) is { } limit ? limit : queue.MaxParallel;
}
