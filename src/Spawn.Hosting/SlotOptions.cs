using System.CommandLine;

namespace Spawn.Hosting;

/// <summary>
/// <c>--parallel</c>, <c>--cpus</c> and <c>--gpus</c>, spelt once for <c>spawn queue run</c>, <c>spored run-queue</c> and
/// <c>spawn launch</c>. Values are checked by <see cref="SlotFlags.Problems"/>, so each mistake is one line and exit 2.
/// </summary>
public sealed class SlotOptions
{
    public Option<string?> Parallel { get; } = new("--parallel")
    {
        Description = "Jobs at once: a number, or \"auto\" for the machine's CPU count (overrides the queue's max_parallel)",
    };

    public Option<int?> Cpus { get; } = new("--cpus") { Description = "CPUs jobs' \"cpus\" are counted against (default: those this process may use)" };

    public Option<int?> Gpus { get; } = new("--gpus")
    {
        Description = "GPUs the machine has, for one whose GPUs spawn cannot see (default: from the NVIDIA driver, else none)",
    };

    public IEnumerable<Option> All => [Parallel, Cpus, Gpus];

    public SlotFlags Read(ParseResult result) => new(result.GetValue(Parallel), result.GetValue(Cpus), result.GetValue(Gpus));
}
