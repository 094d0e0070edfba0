using System.Diagnostics;
using Spawn.Core.Ports;

namespace Spawn.Execution;

/// <summary>
/// Runs each attempt as <c>/bin/bash -c COMMAND</c> in a new session (pid = process group = session id) through
/// <see cref="JobWrapper"/>. <c>setsid</c> (util-linux) makes the session: the runtime's child is not a group leader,
/// so setsid execs in place and the pid we see is the leader's.
/// </summary>
public sealed class BashJobExecutor(TimeProvider clock) : IJobExecutor
{
    public Task<IRunningJob> StartAsync(JobLaunch launch, CancellationToken cancellationToken)
    {
        foreach (var path in new[] { launch.StdoutPath, launch.StderrPath, launch.ExitStatusPath })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }

        AttemptFiles.Clear(launch.ExitStatusPath);
        var start = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            WorkingDirectory = launch.WorkingDirectory,
        };
        foreach (var argument in new[] { "/bin/bash", "-c", JobWrapper.Script, JobWrapper.Name, launch.StdoutPath, launch.StderrPath, launch.ExitStatusPath, launch.Command })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in launch.Environment)
        {
            start.Environment[name] = value;
        }

        var child = Process.Start(start) ?? throw new IOException("setsid did not start");
        var stat = ProcStat.TryRead(child.Id);
        return Task.FromResult<IRunningJob>(new RunningJob(child.Id, stat?.StartTime ?? 0, launch.ExitStatusPath, child, clock));
    }

    public Task<AdoptionResult> AdoptAsync(JobLaunch launch, int pid, ulong startTime, CancellationToken cancellationToken)
    {
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
}
