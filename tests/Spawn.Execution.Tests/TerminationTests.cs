using System.Diagnostics;

namespace Spawn.Execution.Tests;

public sealed class TerminationTests
{
    private readonly BashJobExecutor executor = new(TimeProvider.System, TestLauncher.Command);

    [Fact]
    public async Task A_job_that_ignores_TERM_is_killed_with_all_its_descendants_after_the_grace()
    {
        using var sandbox = new AttemptSandbox();
        var grace = TimeSpan.FromMilliseconds(300);
        const string command = """
            trap '' TERM
            sleep 1000 &
            ( nohup sleep 1001 >/dev/null 2>&1 & sleep 1002 ) &
            echo started
            while true; do sleep 0.05; done
            """;

        await using var job = await executor.StartAsync(sandbox.Launch(command), CancellationToken.None);
        await Observe.UntilAsync(() => Observe.LiveMembersOfGroup(job.Pid).Count >= 5 && sandbox.ReadStdout() == "started\n", "the job and its background children");

        var watch = Stopwatch.StartNew();
        await job.TerminateAsync(grace, CancellationToken.None);
        watch.Stop();

        Assert.Empty(Observe.LiveMembersOfGroup(job.Pid));
        Assert.InRange(watch.Elapsed, grace, grace + TimeSpan.FromMilliseconds(500));
        Assert.Equal(137, await job.WaitForExitAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_cooperative_job_is_gone_well_before_the_grace_ends()
    {
        using var sandbox = new AttemptSandbox();
        var grace = TimeSpan.FromSeconds(10);

        await using var job = await executor.StartAsync(sandbox.Launch("sleep 1000 & echo started; wait"), CancellationToken.None);
        await Observe.UntilAsync(() => sandbox.ReadStdout() == "started\n", "the job to start");

        var watch = Stopwatch.StartNew();
        await job.TerminateAsync(grace, CancellationToken.None);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        Assert.Empty(Observe.LiveMembersOfGroup(job.Pid));
        Assert.Equal(143, await job.WaitForExitAsync(CancellationToken.None));
        Assert.Equal("143", Observe.Recorded(sandbox.ExitFile).Exit);
    }

    [Fact]
    public async Task A_job_stopped_right_after_it_was_started_does_not_survive()
    {
        using var sandbox = new AttemptSandbox();

        await using var job = await executor.StartAsync(sandbox.Launch("trap '' TERM; sleep 1000"), CancellationToken.None);
        await job.TerminateAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None);

        var code = await job.WaitForExitAsync(CancellationToken.None);
        Assert.Contains(code, new[] { 137, 143 });
        Assert.False(Observe.IsLive(job.Pid));
        Assert.Empty(Observe.LiveMembersOfGroup(job.Pid));
    }

    [Fact]
    public async Task Stopping_a_job_that_already_ended_returns_at_once()
    {
        using var sandbox = new AttemptSandbox();
        await using var job = await executor.StartAsync(sandbox.Launch("exit 2"), CancellationToken.None);
        Assert.Equal(2, await job.WaitForExitAsync(CancellationToken.None));

        var watch = Stopwatch.StartNew();
        await job.TerminateAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1));
        Assert.Equal(2, await job.WaitForExitAsync(CancellationToken.None));
    }
}
