using System.Diagnostics;
using System.Globalization;
using Spawn.Core.State;

namespace Spawn.EndToEnd.Tests;

/// <summary>
/// Jobs side by side (<c>max_parallel</c>), with real processes: each job writes its own start and end times, from
/// which the tests check what ran at once.
/// </summary>
public sealed class ParallelRunTests : IDisposable
{
    private readonly Workspace _ws = new();
    private readonly string _marker = $"5{Random.Shared.Next(100000, 999999)}";

    public void Dispose()
    {
        foreach (var pid in Posix.ProcessesWith($"sleep {_marker}"))
        {
            Posix.kill(pid, Posix.SIGKILL);
        }

        _ws.Dispose();
    }

    /// <summary>A job that records when it ran (and its GPUs) in spans.txt around <paramref name="body"/>.</summary>
    private static string Timed(string body) =>
        $"echo \\\"start $JOB_ID $(date +%s%N) ${{CUDA_VISIBLE_DEVICES-none}}\\\" >> spans.txt; {body}; s=$?; echo \\\"end $JOB_ID $(date +%s%N)\\\" >> spans.txt; exit $s";

    private static string Job(string id, string body, string extra = "") =>
        $$"""{"job_id": "{{id}}", "timeout": "1m", "command": "{{Timed(body)}}"{{extra}}}""";

    private Dictionary<string, (long Start, long End, string Gpus)> Spans()
    {
        var spans = new Dictionary<string, (long, long, string)>();
        foreach (var line in File.ReadAllLines(Path.Combine(_ws.Work, "spans.txt")))
        {
            var f = line.Split(' ');
            var time = long.Parse(f[2], CultureInfo.InvariantCulture);
            spans[f[1]] = f[0] == "start" ? (time, long.MaxValue, f[3]) : (spans[f[1]].Item1, time, spans[f[1]].Item3);
        }

        return spans;
    }

    /// <summary>The most jobs running at one instant, by their own start and end times.</summary>
    private static int MostAtOnce(IEnumerable<(long Start, long End, string Gpus)> spans) =>
        spans.SelectMany(s => new[] { (At: s.Start, Delta: 1), (At: s.End, Delta: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Delta)
            .Aggregate((Now: 0, Most: 0), (acc, e) => (acc.Now + e.Delta, Math.Max(acc.Most, acc.Now + e.Delta))).Most;

    [Fact]
    public async Task Four_independent_one_second_jobs_at_max_parallel_4_take_about_one_second()
    {
        var jobs = string.Join(",", Enumerable.Range(1, 4).Select(i => Job($"j{i}", "sleep 1")));
        var queue = _ws.WriteQueue($$"""{"queue_id": "four", "max_parallel": 4, "jobs": [{{jobs}}]}""");

        var clock = Stopwatch.StartNew();
        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3.5));
        Assert.Equal(4, MostAtOnce(Spans().Values));
        Assert.All(_ws.State().Jobs, j => Assert.Equal((JobStatus.Completed, 1), (j.Status, j.Attempt)));
    }

    [Fact]
    public async Task Running_jobs_never_exceed_max_parallel_and_a_diamond_keeps_its_order()
    {
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "diamond", "max_parallel": 2, "jobs": [
              {{Job("top", "sleep 0.2")}},
              {{Job("left", "sleep 0.5", ", \"depends_on\": [\"top\"]")}},
              {{Job("right", "sleep 0.5", ", \"depends_on\": [\"top\"]")}},
              {{Job("middle", "sleep 0.5", ", \"depends_on\": [\"top\"]")}},
              {{Job("bottom", "true", ", \"depends_on\": [\"left\", \"right\", \"middle\"]")}}]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 0, run.ToString());
        var spans = Spans();
        Assert.Equal(2, MostAtOnce(spans.Values));
        Assert.All(new[] { "left", "right", "middle" }, id => Assert.True(spans[id].Start >= spans["top"].End, $"{id} started before top ended"));
        Assert.All(new[] { "left", "right", "middle" }, id => Assert.True(spans["bottom"].Start >= spans[id].End, $"bottom started before {id} ended"));
        Assert.True(spans["left"].Start < spans["right"].End && spans["right"].Start < spans["left"].End, "left and right, first in the file, ran side by side");
    }

    [Fact]
    public async Task GPU_jobs_get_disjoint_devices_and_never_more_than_the_machine_has()
    {
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "gpus", "max_parallel": 4, "jobs": [
              {{Job("a", "sleep 0.6", ", \"gpus\": 2")}},
              {{Job("b", "sleep 0.6", ", \"gpus\": 1")}},
              {{Job("c", "sleep 0.6", ", \"gpus\": 1")}},
              {{Job("d", "sleep 0.6", ", \"gpus\": 2")}},
              {{Job("e", "sleep 0.2", ", \"gpus\": 1, \"env\": {\"CUDA_VISIBLE_DEVICES\": \"7\"}")}}]}
            """);

        var run = await _ws.RunQueueAsync(queue, "--gpus", "4");

        Assert.True(run.ExitCode == 0, run.ToString());
        var spans = Spans();
        foreach (var (id, span) in spans.Where(s => s.Key != "e"))
        {
            foreach (var (other, overlap) in spans.Where(s => s.Key != id && s.Key != "e" && s.Value.Start < span.End && span.Start < s.Value.End))
            {
                Assert.Empty(span.Gpus.Split(',').Intersect(overlap.Gpus.Split(',')));
            }
        }

        Assert.Equal(2, spans["a"].Gpus.Split(',').Length);
        Assert.Equal("7", spans["e"].Gpus);
        var gpusAtOnce = spans.Where(s => s.Key != "e").SelectMany(s => Enumerable.Repeat(s.Value, s.Value.Gpus.Split(',').Length));
        Assert.InRange(MostAtOnce(gpusAtOnce), 1, 4);
    }

    [Fact]
    public async Task One_job_at_a_time_a_GPU_job_still_sees_only_as_many_devices_as_it_asked_for()
    {
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "gpus-one-by-one", "jobs": [
              {{Job("a", "true", ", \"gpus\": 1")}},
              {{Job("b", "true", ", \"gpus\": 0")}},
              {{Job("c", "true")}}]}
            """);

        var run = await _ws.RunQueueAsync(queue, "--gpus", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        var spans = Spans();
        Assert.Equal(("0", "", "none"), (spans["a"].Gpus, spans["b"].Gpus, spans["c"].Gpus));
    }

    [Fact]
    public async Task A_GPU_job_adopted_after_the_agent_died_keeps_its_device_and_the_next_job_gets_the_other_one()
    {
        // a and b start together on devices 0 and 1; the agent dies; a ends while it is down. The next agent adopts b,
        // still on device 1, and must give c (which waits for a) device 0, not b's.
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "gpu-adopt", "max_parallel": 2, "jobs": [
              {{Job("a", "while [ ! -e gate-a ]; do sleep 0.01; done", ", \"gpus\": 1")}},
              {{Job("b", "while [ ! -e gate-b ]; do sleep 0.01; done", ", \"gpus\": 1")}},
              {{Job("c", "true", ", \"gpus\": 1, \"depends_on\": [\"a\"]")}}]}
            """);
        string[] agent = ["run-queue", queue, "--state-file", _ws.StateFile, "--log-dir", _ws.LogDir, "--results-dir", _ws.ResultsDir, "--gpus", "2"];
        void Open(string gate) => File.WriteAllText(Path.Combine(_ws.Work, gate), "");
        try
        {
            await KillAgentThenResumeAsync();
        }
        finally
        {
            // Nothing gated may outlive the test.
            Open("gate-a");
            Open("gate-b");
        }

        var spans = Spans();
        Assert.Equal(("0", "1", "0"), (spans["a"].Gpus, spans["b"].Gpus, spans["c"].Gpus));
        Assert.All(_ws.State().Jobs, j => Assert.Equal((JobStatus.Completed, 1), (j.Status, j.Attempt)));

        async Task KillAgentThenResumeAsync()
        {
            using (var first = _ws.Start(Binaries.Spored, agent))
            {
                await Poll.UntilAsync(() => _ws.State().Job("a").Pid is not null && _ws.State().Job("b").Pid is not null, TimeSpan.FromSeconds(20), "a and b running");
                first.Kill();
                await first.WaitForExitAsync();
            }

            Assert.Equal(["1"], _ws.State().Job("b").GpuDevices);
            var status = await _ws.SpawnAsync("queue", "status", _ws.StateFile);
            Assert.Matches(@"\bb\s+running\s+1\s+-\s+no\s+\(PID: \d+, GPUs: 1\)", status.Stdout);
            Open("gate-a");
            using var second = _ws.Start(Binaries.Spored, agent);
            var output = second.StandardOutput.ReadToEndAsync();
            await Poll.UntilAsync(() => Spans().TryGetValue("c", out var c) && c.End != long.MaxValue, TimeSpan.FromSeconds(20), "c to run");
            Open("gate-b");
            await second.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.True(second.ExitCode == 0, await output + await second.StandardError.ReadToEndAsync());
        }
    }

    [Fact]
    public async Task A_timeout_and_a_failure_with_stop_among_running_jobs_let_the_others_finish_and_start_nothing_new()
    {
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "stops", "max_parallel": 3, "kill_grace": "1s", "jobs": [
              {"job_id": "slow", "timeout": "1s", "command": "sleep {{_marker}}"},
              {{Job("steady", "sleep 1.5")}},
              {{Job("broken", "sleep 0.3; exit 3")}},
              {{Job("later", "true")}}]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 1, run.ToString());
        var state = _ws.State();
        Assert.Equal(124, state.Job("slow").ExitCode);
        Assert.Equal(JobStatus.Completed, state.Job("steady").Status);
        Assert.Equal((JobStatus.Failed, 3), (state.Job("broken").Status, state.Job("broken").ExitCode));
        Assert.Equal(JobStatus.Skipped, state.Job("later").Status);
        Assert.Empty(Posix.ProcessesWith($"sleep {_marker}"));
    }

    [Fact]
    public async Task The_global_timeout_stops_every_running_job()
    {
        var jobs = string.Join(",", Enumerable.Range(1, 3).Select(i => $$"""{"job_id": "j{{i}}", "timeout": "1h", "command": "sleep {{_marker}}"}"""));
        var queue = _ws.WriteQueue($$"""{"queue_id": "global", "max_parallel": 3, "global_timeout": "1s", "kill_grace": "1s", "jobs": [{{jobs}}, {"job_id": "never", "timeout": "1m", "command": "true"}]}""");

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 1, run.ToString());
        var state = _ws.State();
        Assert.Equal(QueueStatus.Failed, state.Status);
        Assert.All(new[] { "j1", "j2", "j3" }, id => Assert.Equal(124, state.Job(id).ExitCode));
        Assert.Equal(JobStatus.Skipped, state.Job("never").Status);
        Assert.Empty(Posix.ProcessesWith($"sleep {_marker}"));
    }

    [Fact]
    public async Task Ctrl_C_stops_every_running_job_and_the_same_command_resumes_them()
    {
        var jobs = string.Join(",", Enumerable.Range(1, 3).Select(i =>
            $$"""{"job_id": "j{{i}}", "timeout": "1h", "command": "echo $JOB_ID >> runs.txt; [ -e go ] || sleep {{_marker}}"}"""));
        var queue = _ws.WriteQueue($$"""{"queue_id": "ctrlc", "max_parallel": 3, "kill_grace": "2s", "jobs": [{{jobs}}]}""");
        await using (var run = new BackgroundRun(_ws, ["queue", "run", queue, "--state-file", _ws.StateFile, "--log-dir", _ws.LogDir, "--results-dir", _ws.ResultsDir]))
        {
            await Poll.UntilAsync(() => Posix.ProcessesWith($"sleep {_marker}").Count == 3, TimeSpan.FromSeconds(20), "three jobs to run at once");
            await Poll.UntilAsync(() => _ws.State().Jobs.All(j => j.Pid is not null), TimeSpan.FromSeconds(10), "every running job's pid in the state");
            Posix.kill(run.Pid, Posix.SIGINT);
            var stopped = await run.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.True(stopped.ExitCode == 130, stopped.ToString());
        }

        Assert.Empty(Posix.ProcessesWith($"sleep {_marker}"));
        Assert.All(_ws.State().Jobs, j => Assert.Equal((JobStatus.Pending, 0), (j.Status, j.Attempt)));
        File.WriteAllText(Path.Combine(_ws.Work, "go"), "");
        var resumed = await _ws.RunQueueAsync(queue);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.All(_ws.State().Jobs, j => Assert.Equal(JobStatus.Completed, j.Status));
    }
}
