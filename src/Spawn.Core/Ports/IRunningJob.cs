namespace Spawn.Core.Ports;

/// <summary>One attempt's processes (its process group, and its cgroup where the machine gives it one), started or adopted.</summary>
public interface IRunningJob : IAsyncDisposable
{
    /// <summary>The leader's pid, which is also the process group id.</summary>
    int Pid { get; }

    /// <summary>The leader's start time (clock ticks since boot, /proc/PID/stat field 22): pid + this identify the process.</summary>
    ulong StartTime { get; }

    /// <summary>Completes with the exit code when the attempt ends: 128+N for a death by signal N.</summary>
    Task<int> WaitForExitAsync(CancellationToken cancellationToken);

    /// <summary>
    /// SIGTERM to every process of the attempt, SIGKILL after <paramref name="grace"/>, or as soon as
    /// <paramref name="skipGrace"/> is cancelled (a second Ctrl-C); returns once none is left. Cannot be cancelled.
    /// </summary>
    Task TerminateAsync(TimeSpan grace, CancellationToken skipGrace);

    /// <summary>
    /// Once the attempt's main process has exited: stops whatever it left running (background children, daemons that
    /// left its process group) as <see cref="TerminateAsync"/> does, and notes that in the job's log. Nothing is left
    /// of a job when its ending is recorded.
    /// </summary>
    Task StopLeftoversAsync(TimeSpan grace, CancellationToken skipGrace);
}
