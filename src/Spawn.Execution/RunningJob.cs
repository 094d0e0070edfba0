using System.Diagnostics;
using Spawn.Core.Ports;

namespace Spawn.Execution;

/// <summary>
/// One attempt's process group. When this agent started it, the exit is awaited on the child itself; when an
/// earlier agent did (adoption), the process is not our child and is watched through /proc instead.
/// </summary>
internal sealed class RunningJob(int pid, ulong startTime, string exitStatusPath, Process? child, TimeProvider clock) : IRunningJob
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public int Pid => pid;

    public ulong StartTime => startTime;

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        if (child is not null)
        {
            await child.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return AttemptFiles.ReadExitCode(exitStatusPath) ?? child.ExitCode;
        }

        while (ProcStat.IsRunning(pid, startTime))
        {
            await Task.Delay(PollInterval, clock, cancellationToken).ConfigureAwait(false);
        }

        // The wrapper records every ending it lives through; only SIGKILL (128 + 9) leaves no record.
        return AttemptFiles.ReadExitCode(exitStatusPath) ?? 137;
    }

    public async Task TerminateAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        ProcessGroup.Signal(pid, ProcessGroup.SIGTERM);
        var deadline = clock.GetUtcNow() + grace;
        while (ProcessGroup.IsAlive(pid) && clock.GetUtcNow() < deadline)
        {
            await Task.Delay(PollInterval, clock, cancellationToken).ConfigureAwait(false);
        }

        ProcessGroup.Signal(pid, ProcessGroup.SIGKILL);
        while (ProcessGroup.IsAlive(pid))
        {
            await Task.Delay(PollInterval, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        // Disposing the handle never stops the job: it must outlive the agent.
        child?.Dispose();
        return ValueTask.CompletedTask;
    }
}
