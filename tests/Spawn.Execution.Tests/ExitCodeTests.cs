using Spawn.Core.Ports;

namespace Spawn.Execution.Tests;

public sealed class ExitCodeTests
{
    private readonly BashJobExecutor executor = new(TimeProvider.System, TestLauncher.Command);

    [Theory]
    [InlineData("true", 0)]
    [InlineData("exit 1", 1)]
    [InlineData("exit 3", 3)]
    [InlineData("no-such-command-anywhere", 127)]
    [InlineData("kill -TERM $$", 143)]
    [InlineData("kill -KILL $$", 137)]
    [InlineData("kill -INT $$", 130)]
    public async Task The_command_exit_code_comes_through_unchanged(string command, int expected)
    {
        using var sandbox = new AttemptSandbox();
        await using var job = await executor.StartAsync(sandbox.Launch(command), CancellationToken.None);

        Assert.Equal(expected, await job.WaitForExitAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_exit_status_is_left_in_the_exit_file_for_a_later_agent()
    {
        using var sandbox = new AttemptSandbox();
        await using var job = await executor.StartAsync(sandbox.Launch("exit 7"), CancellationToken.None);
        await job.WaitForExitAsync(CancellationToken.None);

        Assert.Equal(($"{job.Pid} {job.StartTime}", "7"), Observe.Recorded(sandbox.ExitFile));
    }

    [Fact]
    public async Task A_stale_exit_file_from_an_earlier_run_is_removed_before_the_attempt_starts()
    {
        using var sandbox = new AttemptSandbox();
        Directory.CreateDirectory(Path.GetDirectoryName(sandbox.ExitFile)!);
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(sandbox.ExitFile)!, "attempts.log"), "s job.1.exit 1 1\nx job.1.exit 1 0\n");
        var gate = Path.Combine(sandbox.Root, "gate");

        await using var job = await executor.StartAsync(sandbox.Launch($"while [ ! -e '{gate}' ]; do sleep 0.01; done; exit 4"), CancellationToken.None);
        Assert.Equal(($"{job.Pid} {job.StartTime}", null), Observe.Recorded(sandbox.ExitFile));

        File.WriteAllText(gate, "");
        Assert.Equal(4, await job.WaitForExitAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Waiting_can_be_cancelled_and_the_job_keeps_running()
    {
        using var sandbox = new AttemptSandbox();
        await using var job = await executor.StartAsync(sandbox.Launch("sleep 30"), CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.WaitForExitAsync(cancel.Token));

        Assert.True(Observe.IsLive(job.Pid));
        await job.TerminateAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
    }

    [Fact]
    public async Task Disposing_the_handle_does_not_stop_the_job()
    {
        using var sandbox = new AttemptSandbox();
        var job = await executor.StartAsync(sandbox.Launch("sleep 30"), CancellationToken.None);
        var pid = job.Pid;
        var startTime = job.StartTime;

        await job.DisposeAsync();

        Assert.True(Observe.IsLive(pid));
        var adopted = Assert.IsType<AdoptionResult.StillRunning>(await executor.AdoptAsync(sandbox.Launch("sleep 30"), pid, startTime, CancellationToken.None));
        await adopted.Job.TerminateAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Empty(Observe.LiveMembersOfGroup(pid));
    }
}
