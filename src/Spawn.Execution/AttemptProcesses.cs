namespace Spawn.Execution;

/// <summary>
/// Every process of one attempt: its process group and, where the machine allows one, its <see cref="Cgroup"/>,
/// which also holds what left the group (setsid, job control, double forks). Stopping the attempt stops both.
/// </summary>
internal sealed class AttemptProcesses(int groupId, ulong leaderStartTime, Cgroup? cgroup, TimeProvider clock)
{
    /// <summary>Short enough that a stop lands well within its grace, long enough to cost nothing measurable.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>True while any process of the attempt is alive. The cgroup, one small read, is asked first: it holds the
    /// whole group unless the shell could not join it, and the group's check may scan /proc.</summary>
    public bool AnyAlive => cgroup?.IsPopulated() == true || ProcessGroup.IsAlive(groupId, leaderStartTime);

    /// <summary>
    /// Once the attempt's main process has exited: whether anything of it is left. Cheap when nothing is (one signal
    /// test and one small read), which is every ordinary job.
    /// </summary>
    public bool AnyLeftAfterExit => cgroup?.IsPopulated() == true || Libc.kill(-groupId, 0) == 0 && ProcessGroup.IsAlive(groupId, leaderStartTime);

    /// <summary>How many processes are left, for the note in the job's log.</summary>
    public int Count() =>
        cgroup?.Processes().Count ?? ProcessGroup.LiveMembers(groupId).Count();

    /// <summary>
    /// SIGTERM to every process of the attempt, SIGKILL after <paramref name="grace"/> (at once if
    /// <paramref name="skipGrace"/> is cancelled meanwhile: a second Ctrl-C); returns once none is left, and removes the
    /// cgroup.
    /// </summary>
    public async Task StopAsync(TimeSpan grace, CancellationToken skipGrace)
    {
        Signal(ProcessGroup.SIGTERM);
        var deadline = clock.GetUtcNow() + grace;
        while (AnyAlive && clock.GetUtcNow() < deadline && !skipGrace.IsCancellationRequested)
        {
            await Delay(skipGrace).ConfigureAwait(false);
        }

        // Sent again on every round: a child forked just as the group came into being may have missed the first.
        while (AnyAlive)
        {
            ProcessGroup.Signal(groupId, leaderStartTime, ProcessGroup.SIGKILL);
            cgroup?.Kill();
            await Delay(CancellationToken.None).ConfigureAwait(false);
        }

        Release();
    }

    /// <summary>Removes the attempt's cgroup, if it has one and it is empty.</summary>
    public void Release() => cgroup?.TryRemove();

    private void Signal(int signal)
    {
        ProcessGroup.Signal(groupId, leaderStartTime, signal);
        cgroup?.Signal(signal);
    }

    private async Task Delay(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(PollInterval, clock, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The grace was cut short; the caller goes on to SIGKILL.
        }
    }
}
