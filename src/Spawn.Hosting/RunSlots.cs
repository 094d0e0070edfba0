using System.Globalization;
using Spawn.Core.Parsing;
using Spawn.Core.Scheduling;
using Spawn.Core.Validation;
using Spawn.Execution;

namespace Spawn.Hosting;

/// <summary>What a run may use at once: <paramref name="MaxParallel"/> jobs, on <paramref name="Machine"/>'s CPUs and GPUs.</summary>
public sealed record RunSlots(int MaxParallel, MachineCapacity Machine, string GpuSource)
{
    /// <summary>
    /// Finds this machine (or takes the flags' word for it) and checks the queue against it, right after the file was
    /// validated: a job that asks for more CPUs or GPUs than the machine has is an error at its field, exit 2, and
    /// nothing runs. Null after printing every problem to <paramref name="stderr"/>.
    /// </summary>
    public static RunSlots? Resolve(string path, QueueParseResult loaded, SlotFlags flags, MachineProbe probe, TextWriter stderr)
    {
        var problems = flags.Problems();
        foreach (var problem in problems)
        {
            stderr.WriteLine($"error: {problem}");
        }

        if (problems.Count > 0 || loaded.Queue is not { } queue)
        {
            return null;
        }

        var found = MachineSlots.Find(probe, flags.Cpus, flags.Gpus, lookForGpus: queue.Jobs.Any(j => j.Gpus > 0));
        var target = new FitTarget(
            "this machine",
            found.Capacity,
            CpuAdvice: "pass --cpus N if it has more than spawn may see",
            GpuAdvice: found.Capacity.GpuCount == 0 && flags.Gpus is null
                ? "no NVIDIA driver found: pass --gpus N if it has GPUs spawn cannot see"
                : $"GPUs from {found.GpuSource}; pass --gpus N if that is wrong");
        var errors = MachineFit.Check(queue, loaded.Positions, target);
        foreach (var error in errors)
        {
            stderr.WriteLine(error.Format(path));
        }

        return errors.Count > 0 ? null : new RunSlots(flags.LimitFor(queue).Resolve(found.Capacity.Cpus), found.Capacity, found.GpuSource);
    }

    /// <summary>One line for the run's header, e.g. <c>up to 3 jobs at once; 8 CPUs, 1 GPU (nvidia-smi -L)</c>.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{(MaxParallel == 1 ? "one job at a time" : $"up to {MaxParallel} jobs at once")}; {Count(Machine.Cpus, "CPU")}, {Count(Machine.GpuCount, "GPU")} ({GpuSource})");

    private static string Count(int n, string unit) => string.Create(CultureInfo.InvariantCulture, $"{n} {unit}{(n == 1 ? "" : "s")}");
}
