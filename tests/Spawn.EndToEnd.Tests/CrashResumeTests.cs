using System.Diagnostics;
using System.Text;
using Spawn.Core.State;

namespace Spawn.EndToEnd.Tests;

/// <summary>The agent is killed with SIGKILL and restarted: nothing is lost and nothing completed runs twice.</summary>
public sealed class CrashResumeTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private Process StartAgent(string queueFile, params string[] extra) =>
        _ws.Start(Binaries.Spored, ["run-queue", queueFile, "--state-file", _ws.StateFile, "--log-dir", _ws.LogDir, "--results-dir", _ws.ResultsDir, .. extra]);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Killing_the_agent_thirty_times_at_random_moments_never_loses_or_repeats_a_job(int maxParallel)
    {
        // Side by side: three chains (each job after the one three before it), so three jobs run at once, and more
        // of them, so that the queue still outlasts thirty kills.
        var jobCount = maxParallel == 1 ? 16 : 40;
        var jobs = new StringBuilder();
        for (var i = 0; i < jobCount; i++)
        {
            var dependsOn = maxParallel > 1
                ? (i < 3 ? "" : $", \"depends_on\": [\"job{i - 3}\"]")
                : i == 0 ? "" : $", \"depends_on\": [\"job{i - 1}\"{(i > 2 ? $", \"job{i - 3}\"" : "")}]";
            // Every third job fails its first attempt; every job sleeps a random while, then counts itself once.
            var command = $"sleep 0.$((5 + RANDOM % 5)); if [ $(( {i} % 3 )) -eq 0 ] && [ \\\"$JOB_ATTEMPT\\\" -eq 1 ]; then exit 1; fi; echo $JOB_ID >> counter.txt";
            jobs.Append($$"""{"job_id": "job{{i}}", "timeout": "1m", "command": "{{command}}", "retry": {"max_attempts": 3, "backoff": "fixed", "base_delay": "200ms"}{{dependsOn}}}""");
            jobs.Append(i < jobCount - 1 ? ",\n" : "\n");
        }

        var queue = _ws.WriteQueue($$"""{"queue_id": "torture", "max_parallel": {{maxParallel}}, "jobs": [{{jobs}}]}""");
        var random = new Random(20261128);
        var kills = 0;
        while (kills < 30)
        {
            using var agent = StartAgent(queue);
            await Task.WhenAny(agent.WaitForExitAsync(), Task.Delay(random.Next(30, 600)));
            if (agent.HasExited)
            {
                break;
            }

            agent.Kill();
            await agent.WaitForExitAsync();
            kills++;
            if (File.Exists(_ws.StateFile))
            {
                // After every kill the state on disk is whole and readable.
                _ = Spawn.Storage.StateFileReader.Read(_ws.StateFile);
            }
        }

        using var last = StartAgent(queue);
        var stdout = last.StandardOutput.ReadToEndAsync();
        await last.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));

        Assert.True(kills >= 30, $"the queue finished after only {kills} kills: make the jobs slower");
        Assert.True(last.ExitCode == 0, await stdout + await last.StandardError.ReadToEndAsync());
        var counted = File.ReadAllLines(Path.Combine(_ws.Work, "counter.txt"));
        Assert.Equal(Enumerable.Range(0, jobCount).Select(i => $"job{i}").Order(), counted.Order());
        var state = Spawn.Storage.StateFileReader.Read(_ws.StateFile);
        Assert.Equal(QueueStatus.Completed, state.Status);
        for (var i = 0; i < jobCount; i++)
        {
            Assert.Equal((JobStatus.Completed, i % 3 == 0 ? 2 : 1), (state.Job($"job{i}").Status, state.Job($"job{i}").Attempt));
        }
    }

    [Fact]
    public async Task A_job_still_running_when_the_agent_restarts_is_adopted_not_run_again()
    {
        var queue = _ws.WriteQueue("""
            {"queue_id": "adopt", "jobs": [{"job_id": "long", "timeout": "1m",
              "command": "echo run >> runs.txt; for i in 1 2 3 4 5 6 7 8 9 10; do echo line $i; sleep 1; done"}]}
            """);
        using (var first = StartAgent(queue))
        {
            await Poll.UntilAsync(() => _ws.Log("long").Contains("line 2"), TimeSpan.FromSeconds(20), "the job to be under way");
            first.Kill();
            await first.WaitForExitAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        using var second = StartAgent(queue);
        var stdout = second.StandardOutput.ReadToEndAsync();
        await second.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(second.ExitCode == 0, await stdout);
        Assert.Contains("adopted", await stdout);
        Assert.Equal(["run"], File.ReadAllLines(Path.Combine(_ws.Work, "runs.txt")));
        Assert.Equal(string.Concat(Enumerable.Range(1, 10).Select(i => $"line {i}\n")), _ws.Log("long"));
        Assert.Equal((JobStatus.Completed, 1), (_ws.State().Job("long").Status, _ws.State().Job("long").Attempt));
    }

    [Fact]
    public async Task A_job_that_finished_while_the_agent_was_down_keeps_its_recorded_exit_code_and_is_not_run_again()
    {
        var queue = _ws.WriteQueue("""
            {"queue_id": "away", "on_failure": "continue", "jobs": [
              {"job_id": "short", "timeout": "1m", "command": "echo run >> runs.txt; sleep 1; exit 3"},
              {"job_id": "next", "timeout": "1m", "command": "echo next >> runs.txt"}]}
            """);
        using (var first = StartAgent(queue))
        {
            await Poll.UntilAsync(() => File.Exists(Path.Combine(_ws.Work, "runs.txt")), TimeSpan.FromSeconds(20), "the job to start");
            first.Kill();
            await first.WaitForExitAsync();
        }

        var records = Path.Combine(_ws.Root, "state", "attempts", "attempts.log");
        await Poll.UntilAsync(() => File.Exists(records) && File.ReadAllLines(records).Any(l => l.StartsWith("x short.1.exit ", StringComparison.Ordinal)), TimeSpan.FromSeconds(20), "the job to finish");
        using var second = StartAgent(queue);
        await second.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, second.ExitCode);
        Assert.Equal(["run", "next"], File.ReadAllLines(Path.Combine(_ws.Work, "runs.txt")));
        var job = _ws.State().Job("short");
        Assert.Equal((JobStatus.Failed, 3, 1), (job.Status, job.ExitCode, job.Attempt));
    }

    [Fact]
    public async Task A_truncated_state_file_stops_the_agent_with_exit_2_and_is_left_untouched()
    {
        var queue = _ws.WriteQueue("""{"queue_id": "corrupt", "jobs": [{"job_id": "a", "timeout": "1m", "command": "touch ran"}]}""");
        Directory.CreateDirectory(Path.GetDirectoryName(_ws.StateFile)!);
        var truncated = "{\n  \"queue_id\": \"corrupt\",\n  \"status\": \"runn"u8.ToArray();
        File.WriteAllBytes(_ws.StateFile, truncated);

        var run = await _ws.RunAsync(Binaries.Spored, ["run-queue", queue, "--state-file", _ws.StateFile, "--log-dir", _ws.LogDir, "--results-dir", _ws.ResultsDir]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(_ws.StateFile, run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
        Assert.Equal(truncated, File.ReadAllBytes(_ws.StateFile));
        Assert.False(File.Exists(Path.Combine(_ws.Work, "ran")));
    }

    [Fact]
    public async Task A_state_file_of_another_queue_is_refused_and_fresh_starts_over_keeping_a_backup()
    {
        var first = _ws.WriteQueue("""{"queue_id": "one", "jobs": [{"job_id": "a", "timeout": "1m", "command": "true"}]}""", "one.json");
        var second = _ws.WriteQueue("""{"queue_id": "two", "jobs": [{"job_id": "a", "timeout": "1m", "command": "echo two >> ran.txt"}]}""", "two.json");
        Assert.Equal(0, (await _ws.RunQueueAsync(first)).ExitCode);
        var before = File.ReadAllBytes(_ws.StateFile);

        var refused = await _ws.RunQueueAsync(second);
        var fresh = await _ws.RunQueueAsync(second, "--fresh");

        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("belongs to queue \"one\"", refused.Stderr);
        Assert.True(fresh.ExitCode == 0, fresh.ToString());
        Assert.Equal(["two"], File.ReadAllLines(Path.Combine(_ws.Work, "ran.txt")));
        var backup = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(_ws.StateFile)!, "queue-state.json.bak-*"));
        Assert.Equal(before, File.ReadAllBytes(backup));
    }

    [Fact]
    public async Task Running_a_completed_queue_again_runs_nothing()
    {
        var queue = _ws.WriteQueue("""{"queue_id": "done", "jobs": [{"job_id": "a", "timeout": "1m", "command": "echo a >> ran.txt"}]}""");
        Assert.Equal(0, (await _ws.RunQueueAsync(queue)).ExitCode);

        var again = await _ws.RunQueueAsync(queue);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("nothing to run", again.Stdout);
        Assert.Equal(["a"], File.ReadAllLines(Path.Combine(_ws.Work, "ran.txt")));
    }
}
