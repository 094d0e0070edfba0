using System.Diagnostics;
using Spawn.Core.State;

namespace Spawn.EndToEnd.Tests;

/// <summary>
/// Signals and the launcher never leave a job unsupervised: a closed terminal stops the run as Ctrl-C does, a second
/// Ctrl-C skips the kill grace, and a job whose launcher was killed still has its own exit code recorded.
/// </summary>
public sealed class SignalTests : IDisposable
{
    private readonly Workspace _ws = new();
    private readonly string _marker = $"6{Random.Shared.Next(100000, 999999)}";

    public void Dispose()
    {
        foreach (var pid in Posix.ProcessesWith($"sleep {_marker}"))
        {
            Posix.kill(pid, Posix.SIGKILL);
        }

        _ws.Dispose();
    }

    private string[] RunArgs(string queue) =>
        ["queue", "run", queue, "--state-file", _ws.StateFile, "--log-dir", _ws.LogDir, "--results-dir", _ws.ResultsDir];

    [Fact]
    public async Task Closing_the_terminal_stops_the_job_saves_the_state_and_exits_129_and_the_same_command_resumes()
    {
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "hangup", "kill_grace": "2s", "jobs": [
              {"job_id": "long", "timeout": "1h", "command": "if [ -e {{_ws.Path_("second")}} ]; then echo resumed; else sleep {{_marker}}; fi"}]}
            """);

        // A real terminal: spawn runs on a pseudo-terminal whose master the test closes, as a closed window does. The
        // kernel sends SIGHUP, and from then on every write to the terminal fails.
        var script = _ws.WriteQueue("""
            import os, pty, sys, time
            pid, master = pty.fork()
            if pid == 0:
                os.execv(sys.argv[1], sys.argv[1:-1])
            marker = sys.argv[-1]
            deadline = time.time() + 30
            def running():
                for p in os.listdir("/proc"):
                    try:
                        if p.isdigit() and open(f"/proc/{p}/cmdline").read().replace("\0", " ").startswith(marker):
                            return True
                    except OSError:
                        pass
                return False
            while time.time() < deadline and not running():
                try:
                    os.read(master, 4096)
                except OSError:
                    pass
                time.sleep(0.05)
            os.close(master)
            _, status = os.waitpid(pid, 0)
            print(os.waitstatus_to_exitcode(status))
            """, "pty_run.py");
        var closed = await _ws.RunAsync("python3", [script, Binaries.Spawn, .. RunArgs(queue), $"sleep {_marker}"]);

        Assert.True(closed.Stdout.Trim() == "129", closed.ToString());
        Assert.Empty(Posix.ProcessesWith($"sleep {_marker}"));
        var job = _ws.State().Job("long");
        Assert.Equal((JobStatus.Pending, 0), (job.Status, job.Attempt));
        Assert.Contains("interrupted", job.ErrorMessage);

        File.WriteAllText(_ws.Path_("second"), "");
        var resumed = await _ws.RunQueueAsync(queue);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal("resumed\n", _ws.Log("long"));
    }

    [Fact]
    public async Task A_second_Ctrl_C_kills_a_job_that_ignores_SIGTERM_without_waiting_out_its_grace()
    {
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "twice", "kill_grace": "5m", "jobs": [
              {"job_id": "stubborn", "timeout": "1h", "command": "trap '' TERM; sleep {{_marker}}"}]}
            """);
        await using var run = new BackgroundRun(_ws, RunArgs(queue));
        await Poll.UntilAsync(() => Posix.ProcessesWith($"sleep {_marker}").Count == 1, TimeSpan.FromSeconds(20), "the job to start");

        Posix.kill(run.Pid, Posix.SIGINT);
        await Poll.UntilAsync(() => run.Stderr.Contains("Press Ctrl-C again to kill the job at once"), TimeSpan.FromSeconds(10), "the first notice");
        Assert.False(run.HasExited);
        Assert.Single(Posix.ProcessesWith($"sleep {_marker}"));
        var stopwatch = Stopwatch.StartNew();
        Posix.kill(run.Pid, Posix.SIGINT);
        var stopped = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.Contains("second signal: killing the running job now", stopped.Stderr);
        Assert.Empty(Posix.ProcessesWith($"sleep {_marker}"));
        Assert.Equal(JobStatus.Pending, _ws.State().Job("stubborn").Status);
    }

    [Theory]
    [InlineData("spawn")]
    [InlineData("spored")]
    public async Task A_job_whose_launcher_is_killed_and_that_then_exits_0_is_recorded_as_0_and_not_run_again(string program)
    {
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "orphan", "jobs": [
              {"job_id": "survivor", "timeout": "1m", "retry": {"max_attempts": 3},
               "command": "echo run >> runs.txt; while [ ! -e go ]; do sleep 0.05; done; exit 0"},
              {"job_id": "next", "timeout": "1m", "depends_on": ["survivor"], "command": "echo next"}]}
            """);
        string[] args = program == "spawn" ? RunArgs(queue)
            : ["run-queue", queue, "--state-file", _ws.StateFile, "--log-dir", _ws.LogDir, "--results-dir", _ws.ResultsDir];
        await using var run = program == "spawn" ? new BackgroundRun(_ws, args) : BackgroundRun.Spored(_ws, args);
        await Poll.UntilAsync(() => File.Exists(Path.Combine(_ws.Work, "runs.txt")), TimeSpan.FromSeconds(30), "the job to start");

        var launcherCommand = $"{(program == "spawn" ? Binaries.Spawn : Binaries.Spored)} __spored-launcher";
        var launcher = Assert.Single(Posix.ProcessesWith(launcherCommand), pid => Posix.ParentOf(pid) == run.Pid);
        Posix.kill(launcher, Posix.SIGKILL);
        await Poll.UntilAsync(() => !Posix.ProcessesWith(launcherCommand).Contains(launcher), TimeSpan.FromSeconds(10), "the launcher to die");
        File.WriteAllText(Path.Combine(_ws.Work, "go"), "");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.ToString());
        var job = _ws.State().Job("survivor");
        Assert.Equal((JobStatus.Completed, 1, 0), (job.Status, job.Attempt, job.ExitCode));
        Assert.Equal(["run"], File.ReadAllLines(Path.Combine(_ws.Work, "runs.txt")));
        Assert.Equal(JobStatus.Completed, _ws.State().Job("next").Status);
    }
}
