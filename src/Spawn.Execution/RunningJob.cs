using Spawn.Core.Ports;

namespace Spawn.Execution;

/// <summary>
/// One attempt's process group. When this agent started it, the launcher reports the exit; when an earlier agent
/// did (adoption), or the launcher is gone, the process is watched through /proc and the exit read from its file.
/// </summary>
internal sealed class RunningJob(int pid, ulong startTime, string exitStatusPath, Task<int>? reportedExit, TimeProvider clock) : IRunningJob
{
    private const int SigKillExitCode = 128 + ProcessGroup.SIGKILL;

    /// <summary>Short enough that a stop lands well within its grace, long enough to cost nothing measurable.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Withdraws the attempt asked to follow this one, if any: done before the first signal, so that the
    /// launcher never starts it after an ending the agent caused.</summary>
    private Action? _beforeSignal;

    public int Pid => pid;

    public ulong StartTime => startTime;

    /// <summary>The attempt's name in the record file.</summary>
    public string AttemptName => AttemptRecords.Name(exitStatusPath);

    /// <summary>True when this agent's launcher started it and reports its exit.</summary>
    public bool StartedByLauncher => reportedExit is not null;

    public void BeforeSignal(Action withdraw) => _beforeSignal = withdraw;

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        if (reportedExit is not null)
        {
            try
            {
                return await reportedExit.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The launcher died: watch the attempt as an adopted one.
            }
        }

        while (ProcStat.IsRunning(pid, startTime))
        {
            await Task.Delay(PollInterval, clock, cancellationToken).ConfigureAwait(false);
        }

        // The launcher records every ending it lives through; only its own death leaves no record. An attempt that
        // vanished without one reports 137 (SIGKILL): it was most likely killed with the launcher, which the retry
        // policy can judge, rather than an exception nobody can act on.
        return AttemptRecords.Read(exitStatusPath).ExitCode ?? SigKillExitCode;
    }

    public async Task TerminateAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _beforeSignal, null)?.Invoke();
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

    /// <summary>Disposing the handle never stops the job: it must be able to outlive the agent.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
