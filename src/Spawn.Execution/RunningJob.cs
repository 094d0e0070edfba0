using Spawn.Core.Ports;

namespace Spawn.Execution;

/// <summary>
/// One attempt's processes. When this agent started it, the launcher reports the exit; when an earlier agent did
/// (adoption), or the launcher is gone, the process is watched through /proc and the exit read from its record, or
/// reaped by this agent itself (it is a child subreaper, so an attempt whose launcher died becomes its child).
/// </summary>
internal sealed class RunningJob(int pid, ulong startTime, string exitStatusPath, Task<int>? reportedExit, AttemptProcesses processes, string stderrLog, TimeProvider clock)
    : IRunningJob
{
    private const int SigKillExitCode = 128 + ProcessGroup.SIGKILL;

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

        // The launcher records every ending it lives through. An attempt that outlived it was re-parented to this
        // agent and waits here, a zombie, with its real exit status. Only one that vanished with no record at all
        // (both the launcher and an earlier agent gone) reports 137 (SIGKILL): it was most likely killed with them,
        // which the retry policy can judge, rather than an exception nobody can act on.
        return Reaped() ?? AttemptRecords.Read(exitStatusPath).ExitCode ?? SigKillExitCode;
    }

    public async Task TerminateAsync(TimeSpan grace, CancellationToken skipGrace)
    {
        Interlocked.Exchange(ref _beforeSignal, null)?.Invoke();
        await processes.StopAsync(grace, skipGrace).ConfigureAwait(false);
    }

    public async Task StopLeftoversAsync(TimeSpan grace, CancellationToken skipGrace)
    {
        if (!processes.AnyLeftAfterExit)
        {
            processes.Release();
            return;
        }

        var count = processes.Count();
        await processes.StopAsync(grace, skipGrace).ConfigureAwait(false);
        try
        {
            File.AppendAllText(stderrLog, $"spored: the job ended, {count} of its processes still ran; stopped them (SIGTERM, then SIGKILL after {grace.TotalSeconds:0.###}s)\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The log cannot take the note; the processes are stopped all the same.
        }
    }

    /// <summary>Disposing the handle never stops the job: it must be able to outlive the agent.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The attempt's exit code if it is this agent's zombie child (its launcher died before it ended).</summary>
    private int? Reaped() =>
        ProcStat.TryRead(pid) is { State: 'Z' } stat && stat.StartTime == startTime && Libc.waitpid(pid, out var status, Libc.WNOHANG) == pid
            ? Libc.ExitCode(status)
            : null;
}
