using Spawn.Core.Ports;

namespace Spawn.Execution.Tests;

/// <summary>A restarted agent (a second executor) finds attempts that an earlier one started.</summary>
public sealed class AdoptionTests
{
    private static async Task<(int Pid, ulong StartTime)> StartAndForgetAsync(AttemptSandbox sandbox, string command)
    {
        var first = new BashJobExecutor(TimeProvider.System, TestLauncher.Command);
        var job = await first.StartAsync(sandbox.Launch(command), CancellationToken.None);
        var identity = (job.Pid, job.StartTime);
        await job.DisposeAsync();
        return identity;
    }

    private static string GatedCommand(AttemptSandbox sandbox, int exitCode) =>
        $"while [ ! -e '{Path.Combine(sandbox.Root, "gate")}' ]; do sleep 0.01; done; echo done; exit {exitCode}";

    private static void OpenGate(AttemptSandbox sandbox) => File.WriteAllText(Path.Combine(sandbox.Root, "gate"), "");

    /// <summary>A live process standing in for a launcher (its pid is its session in the p line) or for an attempt.</summary>
    private static System.Diagnostics.Process Sleeper() => System.Diagnostics.Process.Start("sleep", "30");

    private static void Record(AttemptSandbox sandbox, string line)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(sandbox.ExitFile)!);
        File.AppendAllText(Path.Combine(Path.GetDirectoryName(sandbox.ExitFile)!, "attempts.log"), line + "\n");
    }

    [Fact]
    public async Task A_launcher_between_its_p_line_and_its_spawn_is_waited_for_and_what_it_then_starts_is_adopted()
    {
        // The agent that asked died after the launcher wrote "about to spawn": the next agent must not start the
        // attempt again while that launcher is still deciding.
        using var sandbox = new AttemptSandbox();
        using var launcher = Sleeper();
        using var attempt = Sleeper();
        Record(sandbox, $"p job.1.exit {launcher.Id}");

        var adopting = new BashJobExecutor(TimeProvider.System, TestLauncher.Command).AdoptAsync(sandbox.Launch("ignored"), 0, 0, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(adopting.IsCompleted, "the attempt was decided on while its launcher had not spawned it yet");
        Record(sandbox, $"s job.1.exit {attempt.Id} {Observe.Stat(attempt.Id)![19]}");

        var adopted = Assert.IsType<AdoptionResult.StillRunning>(await adopting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(attempt.Id, adopted.Job.Pid);
        launcher.Kill();
        attempt.Kill();
    }

    [Fact]
    public async Task A_launcher_that_declines_after_its_p_line_leaves_the_attempt_never_started()
    {
        using var sandbox = new AttemptSandbox();
        using var launcher = Sleeper();
        Record(sandbox, $"p job.1.exit {launcher.Id}");

        var adopting = new BashJobExecutor(TimeProvider.System, TestLauncher.Command).AdoptAsync(sandbox.Launch("ignored"), 0, 0, CancellationToken.None);
        await Task.Delay(100);
        Record(sandbox, "n job.1.exit");

        Assert.IsType<AdoptionResult.NeverStarted>(await adopting.WaitAsync(TimeSpan.FromSeconds(5)));
        launcher.Kill();
    }

    [Fact]
    public async Task A_p_line_whose_launcher_is_gone_is_decided_at_once()
    {
        using var sandbox = new AttemptSandbox();
        using var launcher = Sleeper();
        launcher.Kill();
        await launcher.WaitForExitAsync();
        Record(sandbox, $"p job.1.exit {launcher.Id}");

        var result = await new BashJobExecutor(TimeProvider.System, TestLauncher.Command).AdoptAsync(sandbox.Launch("ignored"), 0, 0, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(2));

        Assert.IsType<AdoptionResult.Lost>(result);
    }

    [Fact]
    public async Task A_job_still_running_is_adopted_and_its_real_exit_code_is_seen()
    {
        using var sandbox = new AttemptSandbox();
        var (pid, startTime) = await StartAndForgetAsync(sandbox, GatedCommand(sandbox, 5));

        var second = new BashJobExecutor(TimeProvider.System, TestLauncher.Command);
        var adopted = Assert.IsType<AdoptionResult.StillRunning>(await second.AdoptAsync(sandbox.Launch("ignored"), pid, startTime, CancellationToken.None));
        Assert.Equal(pid, adopted.Job.Pid);
        Assert.Equal(startTime, adopted.Job.StartTime);

        OpenGate(sandbox);
        Assert.Equal(5, await adopted.Job.WaitForExitAsync(CancellationToken.None));
        Assert.Equal("done\n", sandbox.ReadStdout());
    }

    [Fact]
    public async Task A_job_that_finished_while_no_agent_watched_reports_its_exit_code()
    {
        using var sandbox = new AttemptSandbox();
        var (pid, startTime) = await StartAndForgetAsync(sandbox, "exit 6");
        await Observe.UntilAsync(() => Observe.Recorded(sandbox.ExitFile).Exit is not null && !Observe.IsLive(pid), "the job to finish");

        var result = await new BashJobExecutor(TimeProvider.System, TestLauncher.Command).AdoptAsync(sandbox.Launch("ignored"), pid, startTime, CancellationToken.None);

        Assert.Equal(new AdoptionResult.FinishedWhileAway(6), result);
    }

    [Fact]
    public async Task A_live_pid_with_another_start_time_is_a_reused_pid_and_the_attempt_is_lost()
    {
        using var sandbox = new AttemptSandbox();
        var (pid, startTime) = await StartAndForgetAsync(sandbox, GatedCommand(sandbox, 0));

        var result = await new BashJobExecutor(TimeProvider.System, TestLauncher.Command).AdoptAsync(sandbox.Launch("ignored"), pid, startTime + 1, CancellationToken.None);

        Assert.IsType<AdoptionResult.Lost>(result);
        OpenGate(sandbox);
        await Observe.UntilAsync(() => !Observe.IsLive(pid), "the job to pass its gate and end");
    }

    [Fact]
    public async Task An_attempt_without_a_process_or_an_exit_file_is_lost()
    {
        using var sandbox = new AttemptSandbox();

        var result = await new BashJobExecutor(TimeProvider.System, TestLauncher.Command).AdoptAsync(sandbox.Launch("ignored"), int.MaxValue - 1, 12345, CancellationToken.None);

        Assert.IsType<AdoptionResult.Lost>(result);
    }

    [Fact]
    public async Task Without_a_recorded_pid_a_running_attempt_is_found_by_what_it_left_beside_the_exit_file()
    {
        using var sandbox = new AttemptSandbox();
        var (pid, startTime) = await StartAndForgetAsync(sandbox, GatedCommand(sandbox, 9));
        await Observe.UntilAsync(() => Observe.Recorded(sandbox.ExitFile).Identity is not null, "the attempt's recorded identity");

        var adopted = Assert.IsType<AdoptionResult.StillRunning>(await new BashJobExecutor(TimeProvider.System, TestLauncher.Command).AdoptAsync(sandbox.Launch("ignored"), 0, 0, CancellationToken.None));

        Assert.Equal((pid, startTime), (adopted.Job.Pid, adopted.Job.StartTime));
        OpenGate(sandbox);
        Assert.Equal(9, await adopted.Job.WaitForExitAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Without_a_recorded_pid_a_finished_attempt_reports_its_exit_code()
    {
        using var sandbox = new AttemptSandbox();
        var (pid, _) = await StartAndForgetAsync(sandbox, "exit 3");
        await Observe.UntilAsync(() => Observe.Recorded(sandbox.ExitFile).Exit is not null && !Observe.IsLive(pid), "the job to finish");

        var result = await new BashJobExecutor(TimeProvider.System, TestLauncher.Command).AdoptAsync(sandbox.Launch("ignored"), 0, 0, CancellationToken.None);

        Assert.Equal(new AdoptionResult.FinishedWhileAway(3), result);
    }

    [Fact]
    public async Task Without_a_recorded_pid_or_anything_beside_the_exit_file_the_attempt_never_started()
    {
        using var sandbox = new AttemptSandbox();

        var result = await new BashJobExecutor(TimeProvider.System, TestLauncher.Command).AdoptAsync(sandbox.Launch("ignored"), 0, 0, CancellationToken.None);

        Assert.IsType<AdoptionResult.NeverStarted>(result);
    }

    [Fact]
    public async Task An_adopted_job_can_be_stopped_with_its_whole_group()
    {
        using var sandbox = new AttemptSandbox();
        var (pid, startTime) = await StartAndForgetAsync(sandbox, "trap '' TERM; sleep 1000 & sleep 1001");
        await Observe.UntilAsync(() => Observe.LiveMembersOfGroup(pid).Count >= 3, "the job's children");

        var adopted = Assert.IsType<AdoptionResult.StillRunning>(await new BashJobExecutor(TimeProvider.System, TestLauncher.Command).AdoptAsync(sandbox.Launch("ignored"), pid, startTime, CancellationToken.None));
        await adopted.Job.TerminateAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None);

        Assert.Empty(Observe.LiveMembersOfGroup(pid));
        Assert.Equal(137, await adopted.Job.WaitForExitAsync(CancellationToken.None));
    }
}
