using System.Diagnostics;
using Spawn.Core.Ports;

namespace Spawn.Execution;

/// <summary>
/// Runs each attempt as <c>/bin/bash -c COMMAND</c> in a new session (pid = process group = session id) through
/// <see cref="JobWrapper"/>. <c>setsid</c> (util-linux) makes the session: the runtime's child is not a group leader,
/// so setsid execs in place and the pid we see is the leader's. Being in its own session, the job gets neither the
/// terminal's SIGINT/SIGHUP nor anything when the agent dies, and disposing the handle never signals it.
/// </summary>
public sealed class BashJobExecutor(TimeProvider clock) : IJobExecutor
{
    private const string BashEnv = "BASH_ENV";

    public Task<IRunningJob> StartAsync(JobLaunch launch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!Directory.Exists(launch.WorkingDirectory))
        {
            throw new DirectoryNotFoundException($"working directory {launch.WorkingDirectory} does not exist");
        }

        foreach (var path in new[] { launch.StdoutPath, launch.StderrPath, launch.ExitStatusPath })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }

        // A stale exit file from an earlier run of this attempt would be taken for this run's result.
        AttemptFiles.Clear(launch.ExitStatusPath);
        var child = Process.Start(StartInfo(launch)) ?? throw new IOException("setsid did not start");

        // A very short attempt may already be reaped here; its start time then reads as 0, which matches no live
        // process, and adoption still finds its exit file.
        var stat = ProcStat.TryRead(child.Id);
        return Task.FromResult<IRunningJob>(new RunningJob(child.Id, stat?.StartTime ?? 0, launch.ExitStatusPath, child, clock));
    }

    public Task<AdoptionResult> AdoptAsync(JobLaunch launch, int pid, ulong startTime, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (pid == 0 && AttemptFiles.ReadIdentity(launch.ExitStatusPath) is { } recorded)
        {
            (pid, startTime) = recorded;
        }

        AdoptionResult found = pid != 0 && ProcStat.IsRunning(pid, startTime)
            ? new AdoptionResult.StillRunning(new RunningJob(pid, startTime, launch.ExitStatusPath, child: null, clock))
            : AttemptFiles.ReadExitCode(launch.ExitStatusPath) is { } code
                ? new AdoptionResult.FinishedWhileAway(code)
                : new AdoptionResult.Lost();
        return Task.FromResult(found);
    }

    /// <summary>No redirection: the wrapper opens the log files itself, so no pipe to the agent can fill or break.</summary>
    private static ProcessStartInfo StartInfo(JobLaunch launch)
    {
        var start = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            WorkingDirectory = launch.WorkingDirectory,
        };
        // Full paths: the wrapper starts in the job's working directory, not the agent's.
        var files = new[] { launch.StdoutPath, launch.StderrPath, launch.ExitStatusPath }.Select(Path.GetFullPath);
        foreach (var argument in new[] { "/bin/bash", "-c", JobWrapper.Script, JobWrapper.Name }.Concat(files).Append(launch.Command))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in launch.Environment)
        {
            start.Environment[name] = value;
        }

        // The wrapper must not source the user's BASH_ENV; it hands it to the command's bash instead.
        if (start.Environment.TryGetValue(BashEnv, out var bashEnv) && bashEnv is not null)
        {
            start.Environment.Remove(BashEnv);
            start.ArgumentList.Add(bashEnv);
        }

        return start;
    }
}
