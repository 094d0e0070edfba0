using System.Diagnostics;
using Spawn.Core.Ports;

namespace Spawn.Execution;

/// <summary>
/// One attempt's process group. When this agent started it, the exit is awaited on the child itself; when an
/// earlier agent did (adoption), the process is not our child and is watched through /proc instead.
/// </summary>
internal sealed class RunningJob(int pid, ulong startTime, string exitStatusPath, Process? child, TimeProvider clock) : IRunningJob
{
    private const int SigKillExitCode = 128 + ProcessGroup.SIGKILL;

    /// <summary>Short enough that a stop lands well within its grace, long enough to cost nothing measurable.</summary>
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

        // The wrapper records every ending it lives through; only SIGKILL (128 + 9) leaves no record. So an adopted
        // attempt that vanished without one reports 137, just as the runtime reports it for our own child: the
        // attempt was killed, which the retry policy can judge, rather than an exception nobody can act on.
        return AttemptFiles.ReadExitCode(exitStatusPath) ?? SigKillExitCode;
    }

    public async Task TerminateAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        ProcessGroup.Signal(pid, startTime, ProcessGroup.SIGTERM);
        var deadline = clock.GetUtcNow() + grace;
        while (ProcessGroup.IsAlive(pid, startTime) && clock.GetUtcNow() < deadline)
        {
            await Task.Delay(PollInterval, clock, cancellationToken).ConfigureAwait(false);
        }

        // Sent again on every round: a child forked just as the group came into being may have missed the first.
        while (ProcessGroup.IsAlive(pid, startTime))
        {
            ProcessGroup.Signal(pid, startTime, ProcessGroup.SIGKILL);
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
