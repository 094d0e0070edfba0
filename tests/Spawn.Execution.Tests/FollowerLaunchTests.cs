using Spawn.Core.Ports;

namespace Spawn.Execution.Tests;

/// <summary>
/// An attempt asked to follow the running one starts the moment that one exits 0 by itself, without the agent in
/// between; after any other ending, or once the agent is gone, it does not start at all.
/// </summary>
public sealed class FollowerLaunchTests
{
    private static string Gate(AttemptSandbox sandbox) => Path.Combine(sandbox.Root, "gate");

    private static string GatedCommand(AttemptSandbox sandbox, string then) => $"while [ ! -e '{Gate(sandbox)}' ]; do sleep 0.01; done; {then}";

    private static string Output(AttemptSandbox sandbox, string jobId) =>
        File.Exists(Path.Combine(sandbox.Root, "logs", $"{jobId}-stdout.log")) ? File.ReadAllText(Path.Combine(sandbox.Root, "logs", $"{jobId}-stdout.log")) : "";

    private static string[] Records(AttemptSandbox sandbox) => File.ReadAllLines(Path.Combine(sandbox.Root, "attempts", "attempts.log"));

    [Fact]
    public async Task The_follower_starts_when_the_running_attempt_exits_0_and_its_output_is_its_own()
    {
        using var sandbox = new AttemptSandbox();
        await using var executor = new BashJobExecutor(TimeProvider.System, TestLauncher.Command);
        var first = await executor.StartAsync(sandbox.Launch(GatedCommand(sandbox, "echo first")), CancellationToken.None);

        var following = executor.StartAfterAsync(first, sandbox.LaunchOf("next", "echo next; exit 4"), CancellationToken.None);
        Assert.False(following.IsCompleted);
        File.WriteAllText(Gate(sandbox), "");
        var next = await following.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.NotNull(next);
        Assert.Equal(0, await first.WaitForExitAsync(CancellationToken.None));
        Assert.Equal(4, await next.WaitForExitAsync(CancellationToken.None));
        Assert.Equal(("first\n", "next\n"), (sandbox.ReadStdout(), Output(sandbox, "next")));
        Assert.Equal("4", Observe.Recorded(Path.Combine(sandbox.Root, "attempts", "next.1.exit")).Exit);
    }

    [Fact]
    public async Task The_follower_of_an_attempt_that_fails_is_declined_and_the_launcher_takes_the_next_start()
    {
        using var sandbox = new AttemptSandbox();
        await using var executor = new BashJobExecutor(TimeProvider.System, TestLauncher.Command);
        var first = await executor.StartAsync(sandbox.Launch("exit 3"), CancellationToken.None);

        var next = await executor.StartAfterAsync(first, sandbox.LaunchOf("next", "echo next"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Null(next);
        Assert.Equal(3, await first.WaitForExitAsync(CancellationToken.None));
        Assert.DoesNotContain(Records(sandbox), line => line.StartsWith("p next.1.exit ", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(sandbox.Root, "logs", "next-stdout.log")), "a job that never ran was left a log file");
        var other = await executor.StartAsync(sandbox.LaunchOf("other", "echo other"), CancellationToken.None);
        Assert.Equal(0, await other.WaitForExitAsync(CancellationToken.None));
        Assert.Equal(("", "other\n"), (Output(sandbox, "next"), Output(sandbox, "other")));
    }

    [Fact]
    public async Task The_follower_of_an_attempt_the_agent_stopped_is_not_started_even_when_that_one_exits_0()
    {
        using var sandbox = new AttemptSandbox();
        await using var executor = new BashJobExecutor(TimeProvider.System, TestLauncher.Command);
        var first = await executor.StartAsync(sandbox.Launch("trap 'exit 0' TERM; echo ready; sleep 30 & wait"), CancellationToken.None);
        var following = executor.StartAfterAsync(first, sandbox.LaunchOf("next", "echo next"), CancellationToken.None);
        await Observe.UntilAsync(() => sandbox.ReadStdout() == "ready\n", "the trap to be set");

        await first.TerminateAsync(TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(0, await first.WaitForExitAsync(CancellationToken.None));
        Assert.Null(await following.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("", Output(sandbox, "next"));
    }

    [Fact]
    public async Task Once_the_agent_is_gone_the_launcher_declines_the_follower_and_ends()
    {
        using var sandbox = new AttemptSandbox();
        var executor = new BashJobExecutor(TimeProvider.System, TestLauncher.Command);
        var first = await executor.StartAsync(sandbox.Launch(GatedCommand(sandbox, "true")), CancellationToken.None);
        _ = executor.StartAfterAsync(first, sandbox.LaunchOf("next", "echo next"), CancellationToken.None);
        var launcher = int.Parse(Records(sandbox).First(line => line.StartsWith("p job.1.exit ", StringComparison.Ordinal)).Split(' ')[2]);

        await executor.DisposeAsync();
        File.WriteAllText(Gate(sandbox), "");
        await Observe.UntilAsync(() => !Observe.IsLive(launcher), "the launcher to end");

        Assert.Equal("0", Observe.Recorded(sandbox.ExitFile).Exit);
        Assert.DoesNotContain(Records(sandbox), line => line.StartsWith("p next.1.exit ", StringComparison.Ordinal));
        Assert.Equal("", Output(sandbox, "next"));
    }

    [Fact]
    public async Task A_restarted_agent_finds_the_follower_the_launcher_started_and_nothing_for_one_never_asked_for()
    {
        using var sandbox = new AttemptSandbox();
        await using var executor = new BashJobExecutor(TimeProvider.System, TestLauncher.Command);
        var first = await executor.StartAsync(sandbox.Launch("true"), CancellationToken.None);
        var next = await executor.StartAfterAsync(first, sandbox.LaunchOf("next", "exit 7"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(next);
        await next.WaitForExitAsync(CancellationToken.None);

        var restarted = new BashJobExecutor(TimeProvider.System, TestLauncher.Command);
        var found = await restarted.AdoptSuccessorAsync(sandbox.Launch("ignored"), sandbox.LaunchOf("next", "ignored"), CancellationToken.None);
        var notAsked = await restarted.AdoptSuccessorAsync(sandbox.Launch("ignored"), sandbox.LaunchOf("other", "ignored"), CancellationToken.None);
        var otherPredecessor = await restarted.AdoptSuccessorAsync(sandbox.LaunchOf("other", "ignored"), sandbox.LaunchOf("next", "ignored"), CancellationToken.None);

        Assert.Equal(new AdoptionResult.FinishedWhileAway(7), found);
        Assert.IsType<AdoptionResult.Lost>(notAsked);
        Assert.IsType<AdoptionResult.Lost>(otherPredecessor);
    }
}
