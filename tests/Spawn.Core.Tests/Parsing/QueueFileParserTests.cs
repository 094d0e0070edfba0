using Spawn.Core.Model;
using Spawn.Core.Retry;

namespace Spawn.Core.Tests.Parsing;

public sealed class QueueFileParserTests
{
    private const string OneJob = """{"job_id": "a", "command": "echo a", "timeout": "1m"}""";

    [Fact]
    public void The_guides_simple_queue_reads_into_every_field()
    {
        var queue = Parse.Valid(File.ReadAllText(Parse.RepositoryFile("examples", "simple-queue.json")));

        Assert.Equal("my-first-queue", queue.QueueId);
        Assert.Equal("simple-pipeline", queue.QueueName);
        Assert.Equal(TimeSpan.FromMinutes(15), queue.GlobalTimeout);
        Assert.Equal(FailurePolicy.Stop, queue.OnFailure);
        Assert.Equal("spawn-results-us-east-1", queue.ResultS3Bucket);
        Assert.Equal("queues/my-first-queue", queue.ResultS3Prefix);
        Assert.Equal(["setup", "process", "cleanup"], queue.Jobs.Select(j => j.JobId));
        var process = queue.Jobs[1];
        Assert.Equal(TimeSpan.FromMinutes(5), process.Timeout);
        Assert.Equal(["setup"], process.DependsOn);
        Assert.Equal(["/tmp/results/output.txt"], process.ResultPaths);
        Assert.Equal(RetryPolicy.None, process.Retry);
        Assert.Null(process.KillGrace);
    }

    [Fact]
    public void Comments_and_trailing_commas_are_accepted()
    {
        var queue = Parse.Valid("""
            // nightly pipeline
            {
              /* the one job */
              "jobs": [
                {"job_id": "a", "command": "echo a", "timeout": "1m",}, // trailing comma in the object
              ],
            }
            """);

        Assert.Equal("a", Assert.Single(queue.Jobs).JobId);
    }

    [Fact]
    public void A_queue_without_queue_id_gets_one_from_the_clock_in_UTC()
    {
        var result = Parse.Text($$"""{"jobs": [{{OneJob}}]}""");

        Assert.Equal("queue-20260122-140530", result.Queue!.QueueId);
        Assert.True(result.QueueIdGenerated);
    }

    [Fact]
    public void Fields_the_guide_calls_required_get_defaults_and_each_default_is_said()
    {
        var result = Parse.Text($$"""{"jobs": [{{OneJob}}]}""");

        var queue = result.Queue!;
        Assert.Equal(queue.QueueId, queue.QueueName);
        Assert.Null(queue.GlobalTimeout);
        Assert.Equal(FailurePolicy.Stop, queue.OnFailure);
        Assert.Null(queue.ResultS3Bucket);
        Assert.Equal(
            [
                "queue_id not set: using generated \"queue-20260122-140530\"",
                "queue_name not set: using the queue id \"queue-20260122-140530\"",
                "global_timeout not set: no queue-wide time limit",
                "on_failure not set: using \"stop\"",
                "result_s3_bucket not set: results go to a local directory",
            ],
            result.Defaults);
    }

    [Fact]
    public void A_queue_that_sets_every_field_uses_no_defaults()
    {
        var result = Parse.Text(File.ReadAllText(Parse.RepositoryFile("examples", "ml-pipeline.json")));

        Assert.Empty(result.Errors);
        Assert.Empty(result.Defaults);
        Assert.False(result.QueueIdGenerated);
    }

    [Fact]
    public void The_retry_extensions_and_kill_grace_are_read_at_job_and_queue_level()
    {
        var queue = Parse.Valid("""
            {
              "kill_grace": "10s",
              "jobs": [{
                "job_id": "fetch", "command": "curl -f https://example.com", "timeout": "1m", "kill_grace": "2s",
                "env": {"MODE": "fast", "_X1": ""},
                "retry": {
                  "max_attempts": 4, "backoff": "fixed", "base_delay": "3s", "max_delay": "1m", "jitter": 0.25,
                  "retry_on_codes": [1, 137], "dont_retry_on_codes": [2]
                }
              }]
            }
            """);

        Assert.Equal(TimeSpan.FromSeconds(10), queue.KillGrace);
        var job = queue.Jobs[0];
        Assert.Equal(TimeSpan.FromSeconds(2), job.KillGrace);
        Assert.Equal(new Dictionary<string, string> { ["MODE"] = "fast", ["_X1"] = "" }, job.Env);
        var retry = job.Retry;
        Assert.Equal(4, retry.MaxAttempts);
        Assert.Equal(BackoffStrategy.Fixed, retry.Backoff);
        Assert.Equal(TimeSpan.FromSeconds(3), retry.BaseDelay);
        Assert.Equal(TimeSpan.FromMinutes(1), retry.MaxDelay);
        Assert.Equal(0.25, retry.Jitter);
        Assert.Equal([1, 137], retry.RetryOnCodes!);
        Assert.Equal([2], retry.DontRetryOnCodes!);
    }

    [Fact]
    public void A_retry_block_with_only_max_attempts_backs_off_exponentially_without_code_filters()
    {
        var queue = Parse.Valid("""{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "retry": {"max_attempts": 3}}]}""");

        Assert.Equal(new RetryPolicy(3, BackoffStrategy.Exponential, null, RetryPolicy.DefaultMaxDelay, 0, null, null), queue.Jobs[0].Retry);
    }

    [Fact]
    public void Exponential_jitter_without_a_jitter_uses_0_3()
    {
        var queue = Parse.Valid("""{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "retry": {"max_attempts": 3, "backoff": "exponential-jitter"}}]}""");

        Assert.Equal(BackoffStrategy.ExponentialJitter, queue.Jobs[0].Retry.Backoff);
        Assert.Equal(0.3, queue.Jobs[0].Retry.Jitter);
    }

    [Fact]
    public void Null_optional_fields_count_as_not_set()
    {
        var queue = Parse.Valid("""{"queue_name": null, "jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "depends_on": null, "retry": null}]}""");

        Assert.Empty(queue.Jobs[0].DependsOn);
        Assert.Equal(RetryPolicy.None, queue.Jobs[0].Retry);
    }

    [Fact]
    public void A_schema_reference_for_editors_is_allowed_at_the_top()
    {
        Parse.Valid($$"""{"$schema": "../schema/queue.schema.json", "jobs": [{{OneJob}}]}""");
    }

    [Fact]
    public void Columns_count_characters_not_bytes()
    {
        var errors = Parse.Errors("""{"queue_name": "café ☕", "on_failure": "x", "jobs": [{"job_id": "a", "command": "x", "timeout": "1m"}]}""");

        Assert.Equal(["1:40: on_failure must be \"stop\" or \"continue\", found \"x\""], errors);
    }

    [Fact]
    public void Windows_line_endings_give_the_same_positions()
    {
        var errors = Parse.Errors("{\r\n  \"jobs\": [\r\n    {\"job_id\": \"a\", \"command\": \"x\", \"timeout\": \"1d\"}\r\n  ]\r\n}\r\n");

        Assert.Equal(["3:48: jobs[0] (\"a\").timeout: invalid duration \"1d\" (use Go syntax such as \"90s\", \"5m\", \"1h30m\")"], errors);
    }

    [Fact]
    public void An_error_formats_as_file_line_column_error_message()
    {
        var error = Parse.Text("""{"jobs": []}""").Errors[0];

        Assert.Equal("q.json:1:10: error: jobs must contain at least one job", error.Format("q.json"));
        Assert.Equal("jobs", error.Path);
    }
}
