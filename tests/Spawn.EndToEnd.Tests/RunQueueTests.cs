using Spawn.Core.State;

namespace Spawn.EndToEnd.Tests;

public sealed class RunQueueTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task A_diamond_runs_in_plan_order_and_every_job_completes_with_its_logs_and_results()
    {
        var queue = _ws.WriteQueue($$"""
            {
              "queue_id": "diamond", "queue_name": "diamond-test",
              "jobs": [
                {"job_id": "preprocess", "command": "echo preprocess >> order.txt; echo out-pre; echo err-pre >&2", "timeout": "1m"},
                {"job_id": "train_model_a", "command": "echo train_model_a >> order.txt", "timeout": "1m", "depends_on": ["preprocess"]},
                {"job_id": "train_model_b", "command": "echo train_model_b >> order.txt; echo b > model_b.pt", "timeout": "1m", "depends_on": ["preprocess"],
                 "result_paths": ["{{_ws.Work}}/model_b.pt"]},
                {"job_id": "ensemble", "command": "echo ensemble >> order.txt", "timeout": "1m", "depends_on": ["train_model_a", "train_model_b"]}
              ],
              "on_failure": "stop"
            }
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["preprocess", "train_model_a", "train_model_b", "ensemble"], File.ReadAllLines(Path.Combine(_ws.Work, "order.txt")));
        var state = _ws.State();
        Assert.Equal(QueueStatus.Completed, state.Status);
        Assert.Equal("diamond-test", state.QueueName);
        Assert.All(state.Jobs, j =>
        {
            Assert.Equal((JobStatus.Completed, 0, 1, true), (j.Status, j.ExitCode, j.Attempt, j.ResultsUploaded));
            Assert.NotNull(j.StartedAt);
            Assert.True(j.CompletedAt >= j.StartedAt);
        });
        Assert.Equal("out-pre\n", _ws.Log("preprocess"));
        Assert.Equal("err-pre\n", _ws.Log("preprocess", "stderr"));
        var jobs = Path.Combine(_ws.ResultsDir, "queues", "diamond", "jobs");
        Assert.Equal("b\n", File.ReadAllText(Path.Combine(jobs, "train_model_b", "model_b.pt")));
        Assert.Equal("out-pre\n", File.ReadAllText(Path.Combine(jobs, "preprocess", "stdout.log")));
        Assert.Equal("err-pre\n", File.ReadAllText(Path.Combine(jobs, "preprocess", "stderr.log")));
        var final = QueueStateJson.Deserialize(File.ReadAllBytes(Path.Combine(_ws.ResultsDir, "queues", "diamond", "queue-state.json")));
        Assert.Equal(QueueStatus.Completed, final.Status);
    }

    [Fact]
    public async Task Jobs_see_their_env_and_JOB_ID_JOB_ATTEMPT_QUEUE_ID_and_start_in_the_current_directory()
    {
        var queue = _ws.WriteQueue("""
            {"queue_id": "envq", "jobs": [{"job_id": "show", "timeout": "1m",
              "command": "echo \"$JOB_ID $JOB_ATTEMPT $QUEUE_ID $GREETING $PWD\"",
              "env": {"GREETING": "hello world"}}]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"show 1 envq hello world {_ws.Work}\n", _ws.Log("show"));
    }

    [Fact]
    public async Task A_job_failing_twice_is_retried_after_about_one_then_two_seconds_and_succeeds_on_attempt_three()
    {
        var queue = _ws.WriteQueue("""
            {"queue_id": "retryq", "jobs": [{"job_id": "flaky", "timeout": "1m",
              "command": "date +%s.%N >> times.txt; echo \"attempt $JOB_ATTEMPT\"; [ \"$JOB_ATTEMPT\" -ge 3 ]",
              "retry": {"max_attempts": 3, "backoff": "exponential"}}]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 0, run.ToString());
        var times = File.ReadAllLines(Path.Combine(_ws.Work, "times.txt")).Select(double.Parse).ToArray();
        Assert.Equal(3, times.Length);
        Assert.InRange(times[1] - times[0], 1.0, 1.25);
        Assert.InRange(times[2] - times[1], 2.0, 2.25);
        Assert.Equal("attempt 1\nattempt 2\nattempt 3\n", _ws.Log("flaky"));
        var job = _ws.State().Job("flaky");
        Assert.Equal((JobStatus.Completed, 3, 0), (job.Status, job.Attempt, job.ExitCode));
    }

    [Fact]
    public async Task Fixed_backoff_waits_five_seconds()
    {
        var queue = _ws.WriteQueue("""
            {"queue_id": "fixedq", "jobs": [{"job_id": "api", "timeout": "1m",
              "command": "date +%s.%N >> times.txt; [ \"$JOB_ATTEMPT\" -ge 2 ]",
              "retry": {"max_attempts": 2, "backoff": "fixed"}}]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 0, run.ToString());
        var times = File.ReadAllLines(Path.Combine(_ws.Work, "times.txt")).Select(double.Parse).ToArray();
        Assert.InRange(times[1] - times[0], 5.0, 5.25);
    }

    [Fact]
    public async Task Exit_code_filters_decide_which_failures_are_retried()
    {
        var queue = _ws.WriteQueue("""
            {"queue_id": "codes", "on_failure": "continue", "jobs": [
              {"job_id": "not_listed", "timeout": "1m", "command": "exit 2",
               "retry": {"max_attempts": 3, "backoff": "fixed", "base_delay": "10ms", "retry_on_codes": [1, 137]}},
              {"job_id": "listed", "timeout": "1m", "command": "exit 1",
               "retry": {"max_attempts": 3, "backoff": "fixed", "base_delay": "10ms", "retry_on_codes": [1, 137]}},
              {"job_id": "dont", "timeout": "1m", "command": "exit 127",
               "retry": {"max_attempts": 3, "backoff": "fixed", "base_delay": "10ms", "dont_retry_on_codes": [2, 127]}}
            ]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 1, run.ToString());
        var state = _ws.State();
        Assert.Equal((JobStatus.Failed, 1, 2), (state.Job("not_listed").Status, state.Job("not_listed").Attempt, state.Job("not_listed").ExitCode));
        Assert.Equal((JobStatus.Failed, 3, 1), (state.Job("listed").Status, state.Job("listed").Attempt, state.Job("listed").ExitCode));
        Assert.Equal((JobStatus.Failed, 1, 127), (state.Job("dont").Status, state.Job("dont").Attempt, state.Job("dont").ExitCode));
    }

    [Fact]
    public async Task A_timed_out_job_that_traps_TERM_and_backgrounds_a_child_is_killed_after_the_grace_and_nothing_survives()
    {
        var marker = $"98765{Random.Shared.Next(1000, 9999)}";
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "timeoutq", "jobs": [{"job_id": "stubborn", "timeout": "1s", "kill_grace": "1s",
              "command": "trap 'echo got TERM' TERM; (sleep {{marker}} &); sleep {{marker}} & while true; do sleep 0.1; done"}]}
            """);
        var started = DateTime.UtcNow;

        var run = await _ws.RunQueueAsync(queue);

        var elapsed = DateTime.UtcNow - started;
        Assert.True(run.ExitCode == 1, run.ToString());
        var job = _ws.State().Job("stubborn");
        Assert.Equal((JobStatus.Failed, 124), (job.Status, job.ExitCode));
        Assert.Equal("timed out after 1s", job.ErrorMessage);
        Assert.Contains("got TERM", _ws.Log("stubborn"));
        Assert.True(elapsed >= TimeSpan.FromSeconds(2), $"SIGKILL came before the grace ended ({elapsed})");
        Assert.Empty(Posix.ProcessesWith($"sleep {marker}"));
    }

    [Fact]
    public async Task Global_timeout_stops_the_running_job_and_skips_the_rest()
    {
        var queue = _ws.WriteQueue("""
            {"queue_id": "globalq", "global_timeout": "1500ms", "kill_grace": "1s", "jobs": [
              {"job_id": "quick", "timeout": "1m", "command": "true"},
              {"job_id": "slow", "timeout": "1m", "command": "sleep 30", "depends_on": ["quick"]},
              {"job_id": "never", "timeout": "1m", "command": "touch never-ran", "depends_on": ["slow"]}
            ]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 1, run.ToString());
        var state = _ws.State();
        Assert.Equal(QueueStatus.Failed, state.Status);
        Assert.StartsWith("global_timeout 1.5s exceeded", state.ErrorMessage);
        Assert.Equal([JobStatus.Completed, JobStatus.Failed, JobStatus.Skipped], state.Jobs.Select(j => j.Status));
        Assert.Equal(124, state.Job("slow").ExitCode);
        Assert.False(File.Exists(Path.Combine(_ws.Work, "never-ran")));
    }

    [Fact]
    public async Task On_failure_stop_skips_process_and_export_when_validate_fails_and_still_uploads_the_failed_logs()
    {
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "stopq", "on_failure": "stop", "jobs": [
              {"job_id": "validate", "timeout": "1m", "command": "echo bad input >&2; echo x > v.out; exit 3", "result_paths": ["{{_ws.Work}}/v.out"]},
              {"job_id": "process", "timeout": "1m", "command": "touch p", "depends_on": ["validate"]},
              {"job_id": "export", "timeout": "1m", "command": "touch e", "depends_on": ["process"]}
            ]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 1, run.ToString());
        var state = _ws.State();
        Assert.Equal([JobStatus.Failed, JobStatus.Skipped, JobStatus.Skipped], state.Jobs.Select(j => j.Status));
        Assert.Equal("command execution failed: exit status 3", state.Job("validate").ErrorMessage);
        var validate = Path.Combine(_ws.ResultsDir, "queues", "stopq", "jobs", "validate");
        Assert.Equal("bad input\n", File.ReadAllText(Path.Combine(validate, "stderr.log")));
        Assert.False(File.Exists(Path.Combine(validate, "v.out")));
        Assert.False(Directory.Exists(Path.Combine(_ws.ResultsDir, "queues", "stopq", "jobs", "process")));
        Assert.True(File.Exists(Path.Combine(_ws.ResultsDir, "queues", "stopq", "queue-state.json")));
    }

    [Fact]
    public async Task On_failure_continue_runs_model_b_and_skips_the_ensemble_when_model_a_fails()
    {
        var queue = _ws.WriteQueue("""
            {"queue_id": "contq", "on_failure": "continue", "jobs": [
              {"job_id": "model_a", "timeout": "1m", "command": "exit 1"},
              {"job_id": "model_b", "timeout": "1m", "command": "touch b"},
              {"job_id": "ensemble", "timeout": "1m", "command": "touch e", "depends_on": ["model_a", "model_b"]}
            ]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal([JobStatus.Failed, JobStatus.Completed, JobStatus.Skipped], _ws.State().Jobs.Select(j => j.Status));
        Assert.True(File.Exists(Path.Combine(_ws.Work, "b")));
        Assert.False(File.Exists(Path.Combine(_ws.Work, "e")));
    }

    [Fact]
    public async Task Recursive_result_patterns_keep_sub_paths_and_a_pattern_matching_nothing_is_reported_without_failing()
    {
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "globq", "jobs": [{"job_id": "make", "timeout": "1m",
              "command": "mkdir -p out/a/b out/c && echo 1 > out/a/b/x.log && echo 2 > out/c/y.log && echo 3 > out/top.log && echo no > out/a/skip.txt",
              "result_paths": ["{{_ws.Work}}/out/**/*.log", "{{_ws.Work}}/missing/*.pt"]}]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 0, run.ToString());
        var jobDir = Path.Combine(_ws.ResultsDir, "queues", "globq", "jobs", "make");
        Assert.Equal("1\n", File.ReadAllText(Path.Combine(jobDir, "a", "b", "x.log")));
        Assert.Equal("2\n", File.ReadAllText(Path.Combine(jobDir, "c", "y.log")));
        Assert.Equal("3\n", File.ReadAllText(Path.Combine(jobDir, "top.log")));
        Assert.False(File.Exists(Path.Combine(jobDir, "a", "skip.txt")));
        var job = _ws.State().Job("make");
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Contains("matched no file", job.ErrorMessage);
    }

    [Fact]
    public async Task An_invalid_queue_file_runs_nothing_and_exits_2()
    {
        var queue = _ws.WriteQueue("""
            {"queue_id": "bad", "jobs": [{"job_id": "a", "timeout": "1m", "command": "touch ran"},
                                         {"job_id": "b", "timeout": "1d", "command": "touch ran"}]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("queue.json:2:", run.Stderr);
        Assert.False(File.Exists(Path.Combine(_ws.Work, "ran")));
        Assert.False(File.Exists(_ws.StateFile));
    }

    [Fact]
    public async Task Ctrl_C_stops_the_running_job_group_saves_state_and_exits_130()
    {
        var marker = $"87654{Random.Shared.Next(1000, 9999)}";
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "intq", "kill_grace": "2s", "jobs": [{"job_id": "long", "timeout": "1h",
              "command": "sleep {{marker}} & sleep {{marker}}"}]}
            """);
        using var spawn = _ws.Start(Binaries.Spawn, ["queue", "run", queue, "--state-file", _ws.StateFile, "--log-dir", _ws.LogDir, "--results-dir", _ws.ResultsDir]);
        var stdout = spawn.StandardOutput.ReadToEndAsync();
        await Poll.UntilAsync(() => Posix.ProcessesWith($"sleep {marker}").Count == 2, TimeSpan.FromSeconds(20), "the job's processes to start");

        Posix.kill(spawn.Id, Posix.SIGINT);
        await spawn.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(spawn.ExitCode == 130, $"exit code {spawn.ExitCode}\n" + await stdout + await spawn.StandardError.ReadToEndAsync());
        Assert.Empty(Posix.ProcessesWith($"sleep {marker}"));
        var job = _ws.State().Job("long");
        Assert.Equal((JobStatus.Pending, 0), (job.Status, job.Attempt));
        Assert.Contains("interrupted", job.ErrorMessage);
    }

    [Fact]
    public async Task Status_prints_the_guide_table_and_logs_prints_a_jobs_output()
    {
        var queue = _ws.WriteQueue("""
            {"queue_id": "statq", "jobs": [{"job_id": "hello", "timeout": "1m", "command": "echo hi there; echo oops >&2"}]}
            """);
        Assert.Equal(0, (await _ws.SpawnAsync("queue", "run", queue)).ExitCode);

        var status = await _ws.SpawnAsync("queue", "status", "statq");
        var logs = await _ws.SpawnAsync("queue", "logs", "statq", "hello");
        var errors = await _ws.SpawnAsync("queue", "logs", "statq", "hello", "--stderr");

        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("Queue ID:    statq", status.Stdout);
        Assert.Matches(@"JOB ID\s+STATUS\s+ATTEMPT\s+EXIT\s+RESULTS", status.Stdout);
        Assert.Matches(@"hello\s+completed\s+1\s+0\s+yes", status.Stdout);
        Assert.Equal("hi there\n", logs.Stdout);
        Assert.Equal("oops\n", errors.Stdout);
    }

    [Fact]
    public async Task A_failed_job_shows_no_results_uploaded_though_its_logs_went_up()
    {
        var queue = _ws.WriteQueue("""
            {"queue_id": "failq", "on_failure": "continue", "jobs": [
              {"job_id": "ok", "timeout": "1m", "command": "echo fine"},
              {"job_id": "broken", "timeout": "1m", "command": "echo partial; exit 3", "result_paths": ["*.txt"]}
            ]}
            """);
        Assert.Equal(1, (await _ws.RunQueueAsync(queue)).ExitCode);

        var state = _ws.State();
        var status = await _ws.SpawnAsync("queue", "status", _ws.StateFile);

        Assert.Equal((JobStatus.Completed, true), (state.Job("ok").Status, state.Job("ok").ResultsUploaded));
        Assert.Equal((JobStatus.Failed, false), (state.Job("broken").Status, state.Job("broken").ResultsUploaded));
        Assert.Equal("partial\n", File.ReadAllText(Path.Combine(_ws.ResultsDir, "queues", "failq", "jobs", "broken", "stdout.log")));
        Assert.Matches(@"ok\s+completed\s+1\s+0\s+yes", status.Stdout);
        Assert.Matches(@"broken\s+failed\s+1\s+3\s+no", status.Stdout);
    }

    [Fact]
    public async Task Results_are_read_from_the_working_directory_and_stay_in_the_jobs_folder()
    {
        // "b" writes a forged stdout.log for "a" into a folder named like it, then collects that folder's parent.
        var queue = _ws.WriteQueue("""
            {"queue_id": "contained", "jobs": [
              {"job_id": "a", "timeout": "1m", "command": "echo own log of a"},
              {"job_id": "b", "timeout": "1m", "depends_on": ["a"],
               "command": "mkdir -p tree/a tree/sub && echo forged > tree/a/stdout.log && echo '{}' > metrics.json",
               "result_paths": ["*.json", "./metrics.json", "tree/sub/.."]}
            ]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 0, run.ToString());
        var jobs = Path.Combine(_ws.ResultsDir, "queues", "contained", "jobs");
        Assert.Equal("own log of a\n", File.ReadAllText(Path.Combine(jobs, "a", "stdout.log")));
        Assert.Equal("forged\n", File.ReadAllText(Path.Combine(jobs, "b", "tree", "a", "stdout.log")));
        Assert.Equal("{}\n", File.ReadAllText(Path.Combine(jobs, "b", "metrics.json")));
        Assert.True(_ws.State().Job("b").ResultsUploaded, _ws.State().Job("b").ErrorMessage);
    }

    [Fact]
    public async Task A_symlink_loop_among_the_results_ends_the_collection_with_a_note()
    {
        var queue = _ws.WriteQueue("""
            {"queue_id": "looped", "jobs": [
              {"job_id": "j", "timeout": "1m", "result_paths": ["tree/**"],
               "command": "mkdir -p tree/a && ln -s .. tree/a/up && ln -s /dev/zero tree/zero && echo w > tree/a/model.pt"}
            ]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        var job = _ws.State().Job("j");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("w\n", File.ReadAllText(Path.Combine(_ws.ResultsDir, "queues", "looped", "jobs", "j", "a", "model.pt")));
        Assert.Contains("leads to a directory already walked (a symlink loop?), not walked again", job.ErrorMessage);
        Assert.Contains("zero could not be read: not a regular file", job.ErrorMessage);
        Assert.False(job.ResultsUploaded);
    }
}
