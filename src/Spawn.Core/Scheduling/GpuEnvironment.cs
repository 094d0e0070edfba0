using Spawn.Core.Model;

namespace Spawn.Core.Scheduling;

/// <summary>
/// The variables that show a job its own GPUs and no others: <c>CUDA_VISIBLE_DEVICES</c> for CUDA programs, and
/// <c>NVIDIA_VISIBLE_DEVICES</c> for containers the job starts with the NVIDIA runtime. They go after the agent's
/// environment and before the job's <c>env</c>; a variable the job's <c>env</c> sets itself is left to it.
/// </summary>
public static class GpuEnvironment
{
    public const string Cuda = "CUDA_VISIBLE_DEVICES";

    public const string Nvidia = "NVIDIA_VISIBLE_DEVICES";

    private static readonly IReadOnlyDictionary<string, string> Nothing = new Dictionary<string, string>().AsReadOnly();

    /// <summary>
    /// For a job with <c>gpus</c> ≥ 1 its devices, comma-separated (<c>1,2</c>). For <c>gpus: 0</c> none at all (CUDA's
    /// empty list; the NVIDIA runtime's <c>none</c>), so a CPU job cannot start work on a GPU another job was given.
    /// For a job that declares no <c>gpus</c>, nothing: its environment stays as it was.
    /// </summary>
    public static IReadOnlyDictionary<string, string> For(JobDefinition job, SlotAllocation allocation)
    {
        if (job.Gpus is not { } gpus)
        {
            return Nothing;
        }

        if (allocation.GpuIds.Count != gpus)
        {
            throw new ArgumentException($"job \"{job.JobId}\" asks for {gpus} GPUs but holds {allocation.GpuIds.Count}", nameof(allocation));
        }

        var list = string.Join(',', allocation.GpuIds);
        var env = new Dictionary<string, string>(2, StringComparer.Ordinal);
        if (!job.Env.ContainsKey(Cuda))
        {
            env[Cuda] = list;
        }

        if (!job.Env.ContainsKey(Nvidia))
        {
            env[Nvidia] = gpus == 0 ? "none" : list;
        }

        return env;
    }
}
