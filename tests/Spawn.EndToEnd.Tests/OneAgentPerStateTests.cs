namespace Spawn.EndToEnd.Tests;

/// <summary>
/// One agent per queue state: a second <c>spawn queue run</c> / <c>spored run-queue</c> on a state that another agent
/// holds is refused (exit 2, naming the holder's pid) and touches nothing; <c>--fresh</c> never starts a second copy
/// of an attempt that is still running.
/// </summary>
public sealed class OneAgentPerStateTests : IDisposable
{
    private const string SlowQueue = """
        {"queue_id": "once", "jobs": [{"job_id": "slow", "timeout": "1m",
          "command": "echo run >> runs.txt; while [ ! -e go ]; do sleep 0.05; done"}]}
        """;

    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private string[] RunArgs(string queue, params string[] extra) =>
        ["queue", "run", queue, "--state-file", _ws.StateFile, "--log-dir", _ws.LogDir, "--results-dir", _ws.ResultsDir, .. extra];

    private string[] AgentArgs(string queue, params string[] extra) =>
        ["run-queue", queue, "--state-file", _ws.StateFile, "--log-dir", _ws.LogDir, "--results-dir", _ws.ResultsDir, .. extra];

    private string Runs => Path.Combine(_ws.Work, "runs.txt");

    /// <summary>Until the job runs and its pid is saved: the first agent writes nothing more until the job ends.</summary>
    private async Task WaitUntilRunningAsync() =>
        await Poll.UntilAsync(() => File.Exists(Runs) && _ws.State().Job("slow").Pid is not null, TimeSpan.FromSeconds(30), "the first agent's job to run");

    /// <summary>Everything beside the state file, with its bytes: what a refused agent must leave as it was.</summary>
    private Dictionary<string, string> StateDirectory() =>
        Directory.GetFiles(Path.GetDirectoryName(_ws.StateFile)!)
            .Where(f => !f.EndsWith(".lock", StringComparison.Ordinal))
            .ToDictionary(f => f, f => Convert.ToHexString(File.ReadAllBytes(f)));

    [Fact]
    public async Task A_second_spawn_queue_run_on_a_held_state_exits_2_naming_the_holder_and_runs_nothing()
    {
        var queue = _ws.WriteQueue(SlowQueue);
        await using var first = new BackgroundRun(_ws, RunArgs(queue));
        await WaitUntilRunningAsync();
        var before = StateDirectory();

        var second = await _ws.SpawnAsync(RunArgs(queue));

        Assert.True(second.ExitCode == 2, second.ToString());
        Assert.Contains($"pid {first.Pid}", second.Stderr, StringComparison.Ordinal);
        Assert.Single(second.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", second.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, StateDirectory());

        await FirstFinishesHavingRunOnceAsync(first);
    }

    [Fact]
    public async Task A_second_spored_with_fresh_and_power_off_on_a_held_state_exits_2_backs_up_nothing_and_does_not_power_off()
    {
        var queue = _ws.WriteQueue(SlowQueue);
        var recorder = new PowerOffRecorder(_ws);
        await using var first = BackgroundRun.Spored(_ws, AgentArgs(queue));
        await WaitUntilRunningAsync();
        var before = StateDirectory();

        var second = await _ws.RunAsync(Binaries.Spored, AgentArgs(queue, "--fresh", "--power-off"));

        Assert.True(second.ExitCode == 2, second.ToString());
        Assert.Contains($"pid {first.Pid}", second.Stderr, StringComparison.Ordinal);
        Assert.Empty(recorder.Calls);
        Assert.Equal(before, StateDirectory());

        await FirstFinishesHavingRunOnceAsync(first);
    }

    [Fact]
    public async Task Fresh_over_a_dead_agent_whose_job_still_runs_is_refused_and_says_how_to_go_on()
    {
        var queue = _ws.WriteQueue(SlowQueue);
        await using (var first = BackgroundRun.Spored(_ws, AgentArgs(queue)))
        {
            await WaitUntilRunningAsync();
            Posix.kill(first.Pid, 9);
            await Poll.UntilAsync(() => first.HasExited, TimeSpan.FromSeconds(30), "the agent to die");
        }

        var before = StateDirectory();
        var fresh = await _ws.SpawnAsync(RunArgs(queue, "--fresh"));

        Assert.True(fresh.ExitCode == 2, fresh.ToString());
        Assert.Contains("still running", fresh.Stderr, StringComparison.Ordinal);
        Assert.Contains("without --fresh", fresh.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, StateDirectory());
        Assert.Equal(["run"], File.ReadAllLines(Runs));

        // The agent's lock died with it, though its launcher and job live on: a resume takes the job in.
        await using var resume = new BackgroundRun(_ws, RunArgs(queue));
        await Poll.UntilAsync(() => resume.Stdout.Contains("adopted", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the resume to adopt the job");
        File.WriteAllText(Path.Combine(_ws.Work, "go"), "");
        var done = await resume.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(done.ExitCode == 0, done.ToString());
        Assert.Equal(["run"], File.ReadAllLines(Runs));
    }

    /// <summary>The first agent, untouched by the second, finishes its queue, and the job ran exactly once.</summary>
    private async Task FirstFinishesHavingRunOnceAsync(BackgroundRun first)
    {
        File.WriteAllText(Path.Combine(_ws.Work, "go"), "");
        var done = await first.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(done.ExitCode == 0, done.ToString());
        Assert.Equal(["run"], File.ReadAllLines(Runs));
    }
}
