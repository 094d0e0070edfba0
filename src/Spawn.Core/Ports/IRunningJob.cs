namespace Spawn.Core.Ports;

/// <summary>One attempt's process group, started or adopted.</summary>
public interface IRunningJob : IAsyncDisposable
{
    /// <summary>The leader's pid, which is also the process group id.</summary>
    int Pid { get; }

    /// <summary>The leader's start time (clock ticks since boot, /proc/PID/stat field 22): pid + this identify the process.</summary>
    ulong StartTime { get; }

    /// <summary>Completes with the exit code when the attempt ends: 128+N for a death by signal N.</summary>
    Task<int> WaitForExitAsync(CancellationToken cancellationToken);

    /// <summary>SIGTERM to the whole group, SIGKILL to it after <paramref name="grace"/>; returns once no process of the group is left.</summary>
    Task TerminateAsync(TimeSpan grace, CancellationToken cancellationToken);
}
