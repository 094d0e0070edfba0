using Spawn.Core.Scheduling;

namespace Spawn.Core.Running;

/// <summary>
/// Where a run keeps its files. Logs are <c>{LogDirectory}/{job_id}-stdout.log</c> and <c>-stderr.log</c>;
/// each attempt's exit status is <c>{AttemptsDirectory}/{job_id}.{attempt}.exit</c>; jobs start in
/// <see cref="WorkingDirectory"/>.
/// </summary>
public sealed record RunnerSettings(string LogDirectory, string AttemptsDirectory, string WorkingDirectory)
{
    /// <summary>
    /// Jobs that may run at once: the queue's <c>max_parallel</c>, or <c>--parallel</c>, with "auto" already resolved to
    /// <see cref="Machine"/>'s CPUs. 1, the default, runs one job at a time as the guide does.
    /// </summary>
    public int MaxParallel { get; init; } = 1;

    /// <summary>
    /// The CPU and GPU slots jobs' <c>cpus</c> and <c>gpus</c> are counted against (<see cref="SlotPool"/>). The hosts set
    /// the machine they found, after refusing any queue with a job bigger than it; the default, one CPU and no GPU,
    /// is for runs that never look (tests).
    /// </summary>
    public MachineCapacity Machine { get; init; } = MachineCapacity.Of(cpus: 1, gpus: 0);

    public string StdoutLog(string jobId) => Path.Combine(LogDirectory, $"{jobId}-stdout.log");

    public string StderrLog(string jobId) => Path.Combine(LogDirectory, $"{jobId}-stderr.log");

    public string ExitStatusFile(string jobId, int attempt) => Path.Combine(AttemptsDirectory, $"{jobId}.{attempt}.exit");
}
