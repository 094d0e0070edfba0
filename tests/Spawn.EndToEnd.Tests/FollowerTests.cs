using System.Diagnostics;
using Spawn.Core.State;

namespace Spawn.EndToEnd.Tests;

/// <summary>
/// Along a chain, the agent asks its launcher to start the next job the moment the running one exits 0, before the
/// agent itself hears of it. An agent that dies around that moment must neither lose that job nor run it twice.
/// </summary>
public sealed class FollowerTests : IDisposable
{
    private const string Chain = """
        {"queue_id": "follow", "jobs": [
          {"job_id": "a", "timeout": "1m", "command": "while [ ! -e gate-a ]; do sleep 0.01; done"},
          {"job_id": "b", "timeout": "1m", "depends_on": ["a"], "command": "echo b >> runs.txt; while [ ! -e gate-b ]; do sleep 0.01; done"},
          {"job_id": "c", "timeout": "1m", "depends_on": ["b"], "command": "echo c >> runs.txt"}]}
        """;

    private readonly Workspace _ws = new();

    public void Dispose()
    {
        // Nothing gated may outlive the test.
        Open("gate-a");
        Open("gate-b");
        _ws.Dispose();
    }

    private string Records => Path.Combine(_ws.Root, "state", "attempts", "attempts.log");

    private string[] Runs => File.Exists(Path.Combine(_ws.Work, "runs.txt")) ? File.ReadAllLines(Path.Combine(_ws.Work, "runs.txt")) : [];

    private Process StartAgent(string queueFile) =>
        _ws.Start(Binaries.Spored, ["run-queue", queueFile, "--state-file", _ws.StateFile, "--log-dir", _ws.LogDir, "--results-dir", _ws.ResultsDir]);

    private void Open(string gate) => File.WriteAllText(Path.Combine(_ws.Work, gate), "");

    private bool Recorded(string line) => File.Exists(Records) && File.ReadAllLines(Records).Contains(line);

    /// <summary>The launcher's pid: its session, named in every <c>p</c> line it writes.</summary>
    private int Launcher() => int.Parse(File.ReadAllLines(Records).First(l => l.StartsWith("p a.1.exit ", StringComparison.Ordinal)).Split(' ')[2]);

    private async Task FirstAgentAsksForBToFollowA(Process agent)
    {
        await Poll.UntilAsync(() => _ws.State().Job("a").Pid is not null, TimeSpan.FromSeconds(20), "a to be saved running with its pid");
        await Poll.UntilAsync(() => Recorded("a b.1.exit a.1.exit"), TimeSpan.FromSeconds(20), "b to be asked to follow a");

        // The agent records the request before it writes it to the launcher: wait until the request is in the pipe,
        // so that an agent stopped or killed next has asked for b for sure.
        var launcher = Launcher();
        await Poll.UntilAsync(() => Posix.WaitingInPipe(launcher, 0) > 0, TimeSpan.FromSeconds(20), "the request to reach the launcher's input");
        Assert.False(agent.HasExited);
    }

    [Fact]
    public async Task A_job_the_launcher_started_while_the_agent_was_frozen_is_taken_in_by_the_next_agent_not_run_again()
    {
        var queue = _ws.WriteQueue(Chain);
        using (var first = StartAgent(queue))
        {
            await FirstAgentAsksForBToFollowA(first);

            // Frozen, the agent still holds the launcher's input: a ends, b starts, and no state says so.
            Assert.Equal(0, Posix.kill(first.Id, Posix.SIGSTOP));
            Open("gate-a");
            await Poll.UntilAsync(() => Runs.Length > 0, TimeSpan.FromSeconds(20), "the launcher to start b");
            first.Kill();
            await first.WaitForExitAsync();
        }

        Assert.Equal((JobStatus.Running, JobStatus.Pending), (_ws.State().Job("a").Status, _ws.State().Job("b").Status));
        using var second = StartAgent(queue);
        var stdout = second.StandardOutput.ReadToEndAsync();
        await Poll.UntilAsync(() => _ws.State().Job("b").Status == JobStatus.Running, TimeSpan.FromSeconds(20), "the second agent to take b in");
        Open("gate-b");
        await second.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(second.ExitCode == 0, await stdout + await second.StandardError.ReadToEndAsync());
        Assert.Contains("b started while the agent was down, still running", await stdout);
        Assert.Equal(["b", "c"], Runs);
        var state = _ws.State();
        Assert.Equal([(JobStatus.Completed, 1), (JobStatus.Completed, 1), (JobStatus.Completed, 1)], state.Jobs.Select(j => (j.Status, j.Attempt)));
    }

    [Fact]
    public async Task A_job_asked_to_follow_is_not_started_once_the_agent_is_dead_and_the_next_agent_runs_it_once()
    {
        var queue = _ws.WriteQueue(Chain);
        using (var first = StartAgent(queue))
        {
            await FirstAgentAsksForBToFollowA(first);
            first.Kill();
            await first.WaitForExitAsync();
        }

        // With nobody to take b in, the launcher records a's end, declines b and ends.
        var launcher = Launcher();
        Open("gate-a");
        await Poll.UntilAsync(() => !Directory.Exists($"/proc/{launcher}"), TimeSpan.FromSeconds(20), "the first launcher to end");
        var lines = File.ReadAllLines(Records);
        Assert.Contains(lines, l => l.StartsWith("x a.1.exit ", StringComparison.Ordinal) && l.EndsWith(" 0", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("p b.1.exit ", StringComparison.Ordinal));
        Assert.Empty(Runs);

        Open("gate-b");
        using var second = StartAgent(queue);
        var stdout = second.StandardOutput.ReadToEndAsync();
        await second.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(second.ExitCode == 0, await stdout + await second.StandardError.ReadToEndAsync());
        Assert.Equal(["b", "c"], Runs);
        Assert.Equal((JobStatus.Completed, 1), (_ws.State().Job("b").Status, _ws.State().Job("b").Attempt));
    }

    [Fact]
    public async Task A_job_that_ends_0_after_its_timeout_signal_does_not_let_the_next_job_start()
    {
        // a traps the TERM its timeout sends and exits 0: it still timed out, and b, which depends on it, never runs.
        var queue = _ws.WriteQueue("""
            {"queue_id": "late", "jobs": [
              {"job_id": "a", "timeout": "1s", "command": "trap 'exit 0' TERM; sleep 30 & wait"},
              {"job_id": "b", "timeout": "1m", "depends_on": ["a"], "command": "echo b >> runs.txt"}]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Empty(Runs);
        Assert.Equal((JobStatus.Failed, 124), (_ws.State().Job("a").Status, _ws.State().Job("a").ExitCode));
        Assert.Equal(JobStatus.Skipped, _ws.State().Job("b").Status);
        Assert.True(Recorded("a b.1.exit a.1.exit"), "b was never asked to follow a: the test proves nothing");
    }
}
