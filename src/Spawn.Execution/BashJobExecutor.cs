using Spawn.Core.Ports;

namespace Spawn.Execution;

/// <summary>
/// Runs each attempt as <c>/bin/bash -c COMMAND</c>, in a process group of its own (pid = process group id) and, given
/// <paramref name="cgroups"/>, a cgroup of its own, through the agent's <see cref="JobLauncher"/>. The launcher has a
/// session of its own, so the jobs get neither the terminal's SIGINT/SIGHUP nor anything when the agent dies, and the
/// agent's end never signals them.
/// </summary>
public sealed class BashJobExecutor(TimeProvider clock, LauncherCommand launcherCommand, JobCgroups? cgroups = null) : IJobExecutor, IAsyncDisposable
{
    /// <summary>How long a launcher between its p line and its spawn is waited for: moments, unless it is frozen.</summary>
    private static readonly TimeSpan LauncherDecision = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    private readonly SemaphoreSlim _launcherLock = new(1, 1);
    private readonly OpenRecordFile _records = new();

    /// <summary>Log and attempt directories made (or found) already: every attempt of a run names the same ones.</summary>
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);
    /// <summary>The launchers started so far: one runs one attempt at a time, so jobs side by side need one each.</summary>
    private readonly List<JobLauncher> _launchers = [];

    public async Task<IRunningJob> StartAsync(JobLaunch launch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!Directory.Exists(launch.WorkingDirectory))
        {
            throw new DirectoryNotFoundException($"working directory {launch.WorkingDirectory} does not exist");
        }

        CreateDirectories(launch);

        // A stale exit file from an earlier run of this attempt would be taken for this run's result.
        AttemptRecords.Clear(_records, launch.ExitStatusPath);
        LaunchedAttempt attempt;
        try
        {
            attempt = await StartOnceAsync(launch, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            if (Orphaned(launch) is { } orphan)
            {
                return orphan;
            }

            // The launcher was gone before it started anything (killed, say): one new launcher, one more try.
            attempt = await StartOnceAsync(launch, cancellationToken).ConfigureAwait(false);
        }

        return Running(launch, attempt.Pid, attempt.StartTime, attempt.Exit);
    }

    public Task<IRunningJob?> StartAfterAsync(IRunningJob current, JobLaunch next, CancellationToken cancellationToken)
    {
        // Only behind an attempt this launcher runs, and only when nothing is left to check before the start (a
        // missing working directory is reported by a plain start).
        if (cancellationToken.IsCancellationRequested || current is not RunningJob { StartedByLauncher: true } running || _launchers is not [{ IsRunning: true } launcher]
            || !Directory.Exists(next.WorkingDirectory))
        {
            return Task.FromResult<IRunningJob?>(null);
        }

        try
        {
            CreateDirectories(next);
            AttemptRecords.ClearToFollow(_records, next.ExitStatusPath, running.AttemptName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Never in the way of the running attempt's supervision: a plain start of the follower reports the problem.
            return Task.FromResult<IRunningJob?>(null);
        }

        var createdLogs = CreateLogs(next);
        var started = launcher.StartAfter(running.AttemptName, next, JoinCgroup(next));
        running.BeforeSignal(() => launcher.Withdraw(AttemptRecords.Name(next.ExitStatusPath)));
        return FollowerAsync(started, next, createdLogs);
    }

    public Task<AdoptionResult> AdoptSuccessorAsync(JobLaunch previous, JobLaunch next, CancellationToken cancellationToken) =>
        AttemptRecords.Read(next.ExitStatusPath).Follows == AttemptRecords.Name(previous.ExitStatusPath)
            ? AdoptAsync(next, pid: 0, startTime: 0, cancellationToken)
            : Task.FromResult<AdoptionResult>(new AdoptionResult.Lost());

    public async Task<AdoptionResult> AdoptAsync(JobLaunch launch, int pid, ulong startTime, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (pid == 0 && Recorded(await SettledRecordAsync(launch, cancellationToken).ConfigureAwait(false)) is { } recorded)
        {
            (pid, startTime) = recorded;
        }

        // The exit is read only once the process is seen gone: the launcher records it after the end, not before.
        if (pid != 0 && ProcStat.IsRunning(pid, startTime))
        {
            return new AdoptionResult.StillRunning(Running(launch, pid, startTime, reportedExit: null));
        }

        return AttemptRecords.Read(launch.ExitStatusPath) switch
        {
            { ExitCode: { } code } => new AdoptionResult.FinishedWhileAway(code),
            { SpawnedInSession: null } when pid == 0 => new AdoptionResult.NeverStarted(),
            _ => new AdoptionResult.Lost(),
        };
    }

    /// <summary>
    /// The attempt's records once its launcher has decided: a launcher that wrote its p line (and lives) spawns or
    /// declines within moments, and starting the attempt again before it has would run it twice.
    /// </summary>
    private async Task<AttemptRecord> SettledRecordAsync(JobLaunch launch, CancellationToken cancellationToken)
    {
        var record = AttemptRecords.Read(launch.ExitStatusPath);
        for (var waited = TimeSpan.Zero; LauncherStillDeciding(record) && waited < LauncherDecision; waited += PollInterval)
        {
            await Task.Delay(PollInterval, clock, cancellationToken).ConfigureAwait(false);
            record = AttemptRecords.Read(launch.ExitStatusPath);
        }

        return record;
    }

    /// <summary>Its launcher wrote the p line, lives, and has neither recorded nor spawned anything since.</summary>
    private static bool LauncherStillDeciding(AttemptRecord record) =>
        record is { SpawnedInSession: { } launcher, Identity: null, ExitCode: null }
        && ProcStat.TryRead(launcher) is { State: not 'Z' }
        && LauncherSession.Attempt(launcher) is null;

    public async ValueTask DisposeAsync()
    {
        // What an attempt still running keeps (the agent was stopped and the job lives on to be adopted) stays.
        cgroups?.TryRemove();
        _records.Dispose();
        foreach (var launcher in _launchers)
        {
            await launcher.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<IRunningJob?> FollowerAsync(Task<LaunchedAttempt?> started, JobLaunch next, IReadOnlyList<string> createdLogs)
    {
        IRunningJob? follower;
        try
        {
            follower = await started.ConfigureAwait(false) is { } attempt
                ? Running(next, attempt.Pid, attempt.StartTime, attempt.Exit)
                : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // It could not be started; a plain start of it reports why.
            follower = null;
        }
        catch (IOException)
        {
            follower = Orphaned(next);
        }

        if (follower is null)
        {
            // A job that never ran has no logs.
            foreach (var log in createdLogs.Where(log => new FileInfo(log) is { Exists: true, Length: 0 }))
            {
                File.Delete(log);
            }
        }

        return follower;
    }

    /// <summary>
    /// Creates a follower's log files while the command before it runs: the child opens them between two commands, and
    /// here opening a new file took it about 0.1 ms longer than opening one that exists. Returns those it created.
    /// </summary>
    private static List<string> CreateLogs(JobLaunch next)
    {
        var created = new List<string>(2);
        foreach (var log in new[] { next.StdoutPath, next.StderrPath }.Distinct())
        {
            try
            {
                File.OpenHandle(log, FileMode.CreateNew, FileAccess.Write).Dispose();
                created.Add(log);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Kept from an earlier attempt, or it cannot be made: then the child's own open says why.
            }
        }

        return created;
    }

    private RunningJob Running(JobLaunch launch, int pid, ulong startTime, Task<int>? reportedExit) =>
        new(pid, startTime, launch.ExitStatusPath, reportedExit, new AttemptProcesses(pid, startTime, CgroupOf(launch), clock), launch.StderrPath, clock);

    private Cgroup? CgroupOf(JobLaunch launch) => cgroups?.For(AttemptRecords.Name(launch.ExitStatusPath));

    /// <summary>Makes the attempt's cgroup, and returns the words that put the attempt's shell in it ("" when it
    /// has none; when the cgroup cannot be made, the shell's note in the job's log says so).</summary>
    private string JoinCgroup(JobLaunch launch)
    {
        if (CgroupOf(launch) is not { } cgroup)
        {
            return "";
        }

        try
        {
            cgroup.Create();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The launcher's move into it fails, and says why in the job's log.
        }

        return cgroup.JoinCommand();
    }

    private void CreateDirectories(JobLaunch launch)
    {
        foreach (var path in (ReadOnlySpan<string>)[launch.StdoutPath, launch.StderrPath, launch.ExitStatusPath])
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            if (!_directories.Contains(directory))
            {
                Directory.CreateDirectory(directory);
                _directories.Add(directory);
            }
        }
    }

    /// <summary>
    /// What the launcher, dead now, started for this attempt: null when it never got as far as spawning it, so that it
    /// may be started again; otherwise the attempt, watched like an adopted one, and never run a second time.
    /// </summary>
    private IRunningJob? Orphaned(JobLaunch launch)
    {
        var records = AttemptRecords.Read(launch.ExitStatusPath);
        if (Recorded(records) is { } started)
        {
            return Running(launch, started.Pid, started.StartTime, reportedExit: null);
        }

        return records.SpawnedInSession is null ? null : new VanishedAttempt();
    }

    /// <summary>The attempt's pid and start time: as recorded, or, when its launcher died before recording them, as
    /// found in the launcher's session.</summary>
    private static (int Pid, ulong StartTime)? Recorded(AttemptRecord records) =>
        records.Identity ?? (records.SpawnedInSession is { } session ? LauncherSession.Attempt(session) : null);

    private async Task<LaunchedAttempt> StartOnceAsync(JobLaunch launch, CancellationToken cancellationToken) =>
        await (await IdleLauncherAsync(cancellationToken).ConfigureAwait(false)).StartAsync(launch, JoinCgroup(launch)).ConfigureAwait(false);

    /// <summary>A launcher running nothing, reserved for one start: an existing one, or a new one.</summary>
    private async Task<JobLauncher> IdleLauncherAsync(CancellationToken cancellationToken)
    {
        await _launcherLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var ended in _launchers.Where(l => !l.IsRunning).ToList())
            {
                _launchers.Remove(ended);
                await ended.DisposeAsync().ConfigureAwait(false);
            }

            if (_launchers.FirstOrDefault(l => l.TryReserve()) is { } idle)
            {
                return idle;
            }

            // An attempt whose launcher dies is re-parented to this agent instead of init, so its exit code
            // still reaches it (RunningJob): a job that then exits 0 is recorded as 0, not run again.
            Libc.prctl(Libc.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
            var launcher = JobLauncher.Start(launcherCommand);
            _launchers.Add(launcher);
            return launcher.TryReserve() ? launcher : throw new IOException("a new job launcher could not be reserved");
        }
        finally
        {
            _launcherLock.Release();
        }
    }
}
