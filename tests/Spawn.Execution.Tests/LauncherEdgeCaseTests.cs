using Spawn.Core.Ports;

namespace Spawn.Execution.Tests;

/// <summary>Corners of the launcher that the other suites do not reach: BASH_ENV, relative paths, a killed launcher.</summary>
public sealed class LauncherEdgeCaseTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("spawn-exec-edge-").FullName;
    private readonly BashJobExecutor _executor = new(TimeProvider.System, TestLauncher.Command);

    [Fact]
    public async Task BASH_ENV_is_sourced_by_the_command_and_not_by_the_launcher()
    {
        // A BASH_ENV that the launcher sourced would print twice and could break it (here: exit on any failure).
        var profile = Path.Combine(_root, "profile.sh");
        File.WriteAllText(profile, "echo sourced; greeting=hello; set -e\n");
        var launch = Launch("echo \"$greeting $BASH_ENV\"; false; echo not-reached", new Dictionary<string, string> { ["BASH_ENV"] = profile });

        Assert.Equal(1, await RunAsync(launch));

        Assert.Equal($"sourced\nhello {profile}\n", File.ReadAllText(launch.StdoutPath));
    }

    [Fact]
    public async Task Relative_log_and_exit_paths_are_the_agents_not_the_jobs_working_directory()
    {
        var workdir = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;
        string Relative(string name) => Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(_root, "rel", name));
        var launch = Launch("echo here", workingDirectory: workdir) with { StdoutPath = Relative("out.log"), ExitStatusPath = Relative("job.exit") };

        Assert.Equal(0, await RunAsync(launch));

        Assert.Equal("here\n", File.ReadAllText(Path.Combine(_root, "rel", "out.log")));
        Assert.Equal("0", Observe.Recorded(Path.Combine(_root, "rel", "job.exit")).Exit);
        Assert.False(Directory.Exists(Path.Combine(workdir, "rel")));
    }

    [Fact]
    public async Task An_attempt_whose_launcher_was_killed_outright_still_reports_its_own_exit_code()
    {
        // The command kills its parent, the launcher, with SIGKILL: no exit record can be written. The agent, a child
        // subreaper, becomes the attempt's parent, sees it end and reaps it: its real exit code, not a guess (137).
        var launch = Launch("kill -KILL $PPID; sleep 0.2; exit 5");

        Assert.Equal(5, await RunAsync(launch));
        Assert.Null(Observe.Recorded(launch.ExitStatusPath).Exit);
    }

    [Fact]
    public async Task After_the_launcher_was_killed_the_next_attempt_gets_a_new_one()
    {
        Assert.Equal(0, await RunAsync(Launch("kill -KILL $PPID; sleep 0.1")));

        var next = Launch("echo again; exit 3");
        Assert.Equal(3, await RunAsync(next));

        Assert.Contains("again\n", File.ReadAllText(next.StdoutPath));
        Assert.Equal("3", Observe.Recorded(next.ExitStatusPath).Exit);
    }

    [Fact]
    public async Task An_adopted_attempt_whose_launcher_was_killed_outright_ends_with_its_own_exit_code()
    {
        var launch = Launch("read -r _ < <(sleep 0.3; echo); kill -KILL $PPID; sleep 0.1; exit 6");
        await using var started = await _executor.StartAsync(launch, CancellationToken.None);

        var adopted = Assert.IsType<AdoptionResult.StillRunning>(await new BashJobExecutor(TimeProvider.System, TestLauncher.Command).AdoptAsync(launch, started.Pid, started.StartTime, CancellationToken.None));
        await using var job = adopted.Job;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        Assert.Equal(6, await job.WaitForExitAsync(timeout.Token));
    }

    [Fact]
    public async Task The_launcher_outlives_a_disposed_executor_long_enough_to_record_a_running_attempts_exit()
    {
        // The agent going away (here: disposing its executor) must not lose the exit of an attempt still running.
        var executor = new BashJobExecutor(TimeProvider.System, TestLauncher.Command);
        var launch = Launch("sleep 0.5; exit 7");
        await using (await executor.StartAsync(launch, CancellationToken.None))
        {
            await executor.DisposeAsync();
        }

        await Observe.UntilAsync(() => Observe.Recorded(launch.ExitStatusPath).Exit is not null, "the recorded exit", timeoutMs: 10_000);
        Assert.Equal("7", Observe.Recorded(launch.ExitStatusPath).Exit);
    }

    [Fact]
    public async Task Stopping_an_attempt_in_the_instant_after_its_start_still_stops_the_whole_group()
    {
        // Right after the start the subshell may not have exec'd bash yet. Repeated to meet that instant.
        for (var round = 0; round < 20; round++)
        {
            await using var job = await _executor.StartAsync(Launch("sleep 1000 & sleep 1000"), CancellationToken.None);
            await job.TerminateAsync(TimeSpan.FromSeconds(5), CancellationToken.None);

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            Assert.Contains(await job.WaitForExitAsync(timeout.Token), new[] { 137, 143 });
            Assert.Empty(Observe.LiveMembersOfGroup(job.Pid));
        }
    }

    [Fact]
    public async Task An_attempt_whose_launcher_died_before_recording_its_pid_is_found_in_the_launchers_session()
    {
        // What a launcher killed between its spawn and the pid's record leaves: "p NAME SESSION" and a group leader,
        // reparented, in that session. A stand-in launcher: a session leader whose child leads a group of its own.
        var pidFile = Path.Combine(_root, "attempt.pid");
        var session = System.Diagnostics.Process.Start("setsid", ["bash", "-c", $"set -m; sleep 30 & echo $! > {pidFile}; wait"]);
        await Observe.UntilAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).EndsWith('\n'), "the stand-in attempt", timeoutMs: 10_000);
        var attemptPid = int.Parse(File.ReadAllText(pidFile), System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            var launch = Launch("ignored");
            Directory.CreateDirectory(Path.Combine(_root, "attempts"));
            File.WriteAllText(Path.Combine(_root, "attempts", "attempts.log"), $"c edge.1.exit\np edge.1.exit {session.Id}\n");

            var adopted = Assert.IsType<AdoptionResult.StillRunning>(await _executor.AdoptAsync(launch, 0, 0, CancellationToken.None));

            Assert.Equal(attemptPid, adopted.Job.Pid);
        }
        finally
        {
            System.Diagnostics.Process.Start("kill", ["-s", "KILL", "--", $"-{attemptPid}", $"{session.Id}"]).WaitForExit();
        }
    }

    [Fact]
    public async Task A_log_that_cannot_be_opened_fails_the_start_and_runs_nothing()
    {
        var marker = Path.Combine(_root, "ran");
        var launch = Launch($"touch {marker}") with { StdoutPath = Directory.CreateDirectory(Path.Combine(_root, "a-directory")).FullName };

        var error = await Assert.ThrowsAsync<System.ComponentModel.Win32Exception>(() => _executor.StartAsync(launch, CancellationToken.None));

        Assert.Contains("cannot start /bin/bash", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task A_launcher_that_cannot_have_a_session_of_its_own_refuses_to_start_anything()
    {
        // Started as a session leader already (by setsid), its own setsid fails: attempts found by session would
        // then be looked for among the caller's processes.
        var start = new System.Diagnostics.ProcessStartInfo("setsid") { RedirectStandardInput = true, RedirectStandardError = true };
        start.ArgumentList.Add(TestLauncher.Command.FileName);
        foreach (var argument in TestLauncher.Command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var launcher = System.Diagnostics.Process.Start(start)!;
        var errors = await launcher.StandardError.ReadToEndAsync();
        await launcher.WaitForExitAsync();

        Assert.Equal(1, launcher.ExitCode);
        Assert.Contains("cannot start a session of its own", errors, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private JobLaunch Launch(string command, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null) =>
        new(
            "q",
            "edge",
            1,
            command,
            environment ?? new Dictionary<string, string>(),
            workingDirectory ?? _root,
            Path.Combine(_root, "logs", "edge.out"),
            Path.Combine(_root, "logs", "edge.err"),
            Path.Combine(_root, "attempts", "edge.1.exit"));

    private async Task<int> RunAsync(JobLaunch launch)
    {
        await using var job = await _executor.StartAsync(launch, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await job.WaitForExitAsync(timeout.Token);
    }
}
