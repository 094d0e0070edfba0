using System.Text.Json;
using System.Text.RegularExpressions;
using Spawn.Core.State;
using Spawn.Tests.Shared;

namespace Spawn.EndToEnd.Tests;

/// <summary>
/// <c>spawn queue run</c> with a queue naming <c>result_s3_bucket</c> and no <c>--results-dir</c>, against a real
/// S3 emulator (moto) on loopback: what lands in the bucket, what <c>queue results</c> brings back, and what
/// <c>queue status</c> on another machine reads from the mirrored state.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class S3QueueTests(MotoServer s3) : IDisposable
{
    /// <summary>The bucket <c>queue status</c> looks in for a queue it has no local record of (AWS_REGION is us-east-1).</summary>
    private const string ConventionBucket = "spawn-results-us-east-1";

    private readonly Workspace ws = S3Workspace.Create(s3);

    public void Dispose() => ws.Dispose();

    [Fact]
    public async Task Results_of_a_queue_stopped_by_a_failure_download_byte_exact_with_the_failed_jobs_logs_but_not_its_results()
    {
        var bucket = await s3.CreateBucketAsync();
        var queueId = S3Workspace.UniqueId("s3res");
        var prefix = $"e2e/{queueId}";
        var work = ws.Work;
        var queue = ws.WriteQueue($$"""
            {"queue_id": "{{queueId}}", "on_failure": "stop", "result_s3_bucket": "{{bucket}}", "result_s3_prefix": "{{prefix}}",
             "jobs": [
              {"job_id": "tiny", "timeout": "1m", "command": "printf x > tiny.bin; echo tiny done", "result_paths": ["{{work}}/tiny.bin"]},
              {"job_id": "big", "timeout": "1m", "command": "head -c 26214400 /dev/urandom > big.bin", "result_paths": ["{{work}}/big.bin"]},
              {"job_id": "tree", "timeout": "1m", "result_paths": ["{{work}}/tree/**"],
               "command": "mkdir -p tree/a/b tree/c && echo deep > tree/a/b/deep.txt && head -c 100000 /dev/urandom > tree/c/blob.dat && echo top > tree/top.txt"},
              {"job_id": "broken", "timeout": "1m", "depends_on": ["tiny", "big", "tree"], "result_paths": ["{{work}}/broken.out"],
               "command": "echo half way; echo disk on fire >&2; echo partial > broken.out; exit 4"},
              {"job_id": "after", "timeout": "1m", "depends_on": ["broken"], "command": "touch after.ran"}
             ]}
            """);

        var run = await ws.SpawnAsync("queue", "run", queue, "--state-file", ws.StateFile, "--log-dir", ws.LogDir);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"s3://{bucket}/{prefix}/", run.Stdout);
        var sources = ExpectedSources(work);
        // The guide's bucket layout: {prefix}/jobs/{job_id}/… and {prefix}/queue-state.json, nothing for the skipped job.
        Assert.Equal(
            sources.Keys.Select(k => "jobs/" + k).Append("queue-state.json").Order(StringComparer.Ordinal),
            await Buckets.KeysAsync(s3, bucket, prefix));

        var output = ws.Path_("download");
        var results = await ws.SpawnAsync("queue", "results", queueId, "--output", output);

        Assert.True(results.ExitCode == 0, results.ToString());
        Assert.Contains($"from s3://{bucket}/{prefix} to {output}", results.Stdout);
        Assert.Equal(sources.Keys.Append("queue-state.json").Order(StringComparer.Ordinal), FilesUnder(output));
        Assert.All(sources, s => Assert.True(
            Buckets.Sha256(s.Value) == Buckets.Sha256(Path.Combine(output, s.Key)),
            $"{s.Key} differs from {s.Value}"));
        Assert.Equal("half way\n", File.ReadAllText(Path.Combine(output, "broken", "stdout.log")));
        Assert.Equal("disk on fire\n", File.ReadAllText(Path.Combine(output, "broken", "stderr.log")));
        Assert.False(File.Exists(Path.Combine(output, "broken", "broken.out")), "a failed job's result_paths were uploaded");
        Assert.True(File.Exists(Path.Combine(work, "broken.out")));
        AssertStoppedByBroken(QueueStateJson.Deserialize(File.ReadAllBytes(Path.Combine(output, "queue-state.json"))));
        AssertStoppedByBroken(ws.State());
        Assert.False(File.Exists(Path.Combine(work, "after.ran")));
    }

    [Fact]
    public async Task Status_on_another_machine_reads_the_mirrored_state_and_shows_the_running_job_then_the_end()
    {
        await Buckets.EnsureAsync(s3, ConventionBucket);
        var queueId = S3Workspace.UniqueId("mirror");
        var queue = ws.WriteQueue($$"""
            {"queue_id": "{{queueId}}", "result_s3_bucket": "{{ConventionBucket}}", "jobs": [
              {"job_id": "first", "timeout": "1m", "command": "echo waiting; {{S3Workspace.WaitForGo}}"},
              {"job_id": "second", "timeout": "1m", "depends_on": ["first"], "command": "echo second"}
            ]}
            """);
        // Another machine: its own local state directory, so it has no record of the queue and must ask S3.
        using var elsewhere = S3Workspace.Create(s3);
        await using var run = new BackgroundRun(ws, "queue", "run", queue, "--state-file", ws.StateFile, "--log-dir", ws.LogDir);
        try
        {
            var table = await WaitForStatusAsync(elsewhere, queueId, @"first\s+running\s+1\s+-", run);

            Assert.Matches(@"Status:\s+running", table);
            Assert.Matches(@"second\s+pending\s+0", table);
            var json = await elsewhere.SpawnAsync("queue", "status", queueId, "--json");
            Assert.True(json.ExitCode == 0, json.ToString());
            var mirrored = QueueStateJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(json.Stdout));
            Assert.Equal((QueueStatus.Running, JobStatus.Running, JobStatus.Pending), (mirrored.Status, mirrored.Job("first").Status, mirrored.Job("second").Status));
            Assert.NotNull(mirrored.Job("first").StartedAt);
        }
        finally
        {
            S3Workspace.Go(ws);
        }

        var finished = await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(finished.ExitCode == 0, finished.ToString());
        var after = await elsewhere.SpawnAsync("queue", "status", queueId);
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Matches(@"Status:\s+completed", after.Stdout);
        Assert.Matches(@"second\s+completed\s+1\s+0\s+yes", after.Stdout);
        Assert.False(Directory.Exists(Path.Combine(elsewhere.Root, "xdg-state", "spawn", "queues", queueId)), "status read a local record, not S3");
    }

    [Fact]
    public async Task Status_and_logs_on_another_machine_find_a_queue_in_its_own_bucket_and_prefix_through_the_flags()
    {
        var bucket = await s3.CreateBucketAsync();
        var queueId = S3Workspace.UniqueId("flags");
        var queue = ws.WriteQueue($$"""
            {"queue_id": "{{queueId}}", "result_s3_bucket": "{{bucket}}", "result_s3_prefix": "team/{{queueId}}",
             "jobs": [{"job_id": "only", "timeout": "1m", "command": "echo done"}]}
            """);
        var ran = await ws.SpawnAsync("queue", "run", queue, "--state-file", ws.StateFile, "--log-dir", ws.LogDir);
        Assert.True(ran.ExitCode == 0, ran.ToString());
        using var elsewhere = S3Workspace.Create(s3);

        var guessed = await elsewhere.SpawnAsync("queue", "status", queueId);
        var told = await elsewhere.SpawnAsync("queue", "status", queueId, "--bucket", bucket, "--prefix", $"team/{queueId}");

        Assert.True(guessed.ExitCode == 2, guessed.ToString());
        Assert.True(told.ExitCode == 0, told.ToString());
        Assert.Matches(@"Status:\s+completed", told.Stdout);
        Assert.Matches(@"only\s+completed\s+1\s+0\s+yes", told.Stdout);

        // Its log, too, comes from the result store: this machine never had the log file.
        var log = await elsewhere.SpawnAsync("queue", "logs", queueId, "only", "--bucket", bucket, "--prefix", $"team/{queueId}");
        Assert.True(log.ExitCode == 0, log.ToString());
        Assert.Equal("done\n", log.Stdout);
    }

    [Fact]
    public async Task A_bucket_that_does_not_exist_is_refused_before_any_job_runs()
    {
        var queueId = S3Workspace.UniqueId("nobucket");
        var queue = ws.WriteQueue($$"""
            {"queue_id": "{{queueId}}", "result_s3_bucket": "no-such-bucket-{{queueId}}",
             "jobs": [{"job_id": "only", "timeout": "1m", "command": "touch ran"}]}
            """);

        var run = await ws.SpawnAsync("queue", "run", queue, "--state-file", ws.StateFile, "--log-dir", ws.LogDir);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"result_s3_bucket \"no-such-bucket-{queueId}\" does not exist", run.Stderr);
        Assert.False(File.Exists(Path.Combine(ws.Work, "ran")), "the job ran");
        Assert.False(File.Exists(ws.StateFile), "a state file was written");
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("when_required", false)]
    public async Task Results_carry_the_SDKs_checksums_unless_the_standard_switch_asks_for_when_required_and_arrive_byte_exact_either_way(
        string? checksumSetting, bool checksummed)
    {
        var bucket = await s3.CreateBucketAsync();
        var queueId = S3Workspace.UniqueId("sums");
        if (checksumSetting is not null)
        {
            // What a user of a store that cannot take the SDK's default checksums sets (docs/s3.md).
            ws.Environment["AWS_REQUEST_CHECKSUM_CALCULATION"] = checksumSetting;
            ws.Environment["AWS_RESPONSE_CHECKSUM_VALIDATION"] = checksumSetting;
        }

        // 20 MiB goes up in parts, the small file in one PUT.
        var queue = ws.WriteQueue($$"""
            {"queue_id": "{{queueId}}", "result_s3_bucket": "{{bucket}}", "jobs": [
              {"job_id": "make", "timeout": "1m", "result_paths": ["{{ws.Work}}/big.bin", "{{ws.Work}}/small.txt"],
               "command": "head -c 20971520 /dev/urandom > big.bin; echo small > small.txt"}
            ]}
            """);

        var run = await ws.SpawnAsync("queue", "run", queue, "--state-file", ws.StateFile, "--log-dir", ws.LogDir);
        var output = ws.Path_("download");
        var results = await ws.SpawnAsync("queue", "results", queueId, "--output", output);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(results.ExitCode == 0, results.ToString());
        foreach (var name in new[] { "big.bin", "small.txt" })
        {
            var key = $"queues/{queueId}/jobs/make/{name}";
            Assert.Equal(Buckets.Sha256(Path.Combine(ws.Work, name)), await Buckets.Sha256Async(s3, bucket, key));
            Assert.Equal(Buckets.Sha256(Path.Combine(ws.Work, name)), Buckets.Sha256(Path.Combine(output, "make", name)));
            // Read by the AWS CLI, independent of spawn's SDK: what the store recorded about the upload's checksum.
            using var head = JsonDocument.Parse(await s3.AwsCliAsync("s3api", "head-object", "--bucket", bucket, "--key", key, "--checksum-mode", "ENABLED"));
            Assert.True(checksummed == head.RootElement.TryGetProperty("ChecksumCRC32", out _), $"{name}: {head.RootElement}");
        }
    }

    [Fact]
    public async Task Status_of_an_id_neither_here_nor_in_the_convention_bucket_says_where_it_looked()
    {
        await Buckets.EnsureAsync(s3, ConventionBucket);
        var queueId = S3Workspace.UniqueId("nowhere");

        var status = await ws.SpawnAsync("queue", "status", queueId);

        Assert.True(status.ExitCode == 2, status.ToString());
        Assert.Contains($"s3://{ConventionBucket}/queues/{queueId}/queue-state.json: not found", status.Stderr);
    }

    /// <summary>Each downloaded file (relative to the output directory) and the file it must equal byte for byte.</summary>
    private Dictionary<string, string> ExpectedSources(string work)
    {
        var sources = new Dictionary<string, string>
        {
            ["tiny/tiny.bin"] = Path.Combine(work, "tiny.bin"),
            ["big/big.bin"] = Path.Combine(work, "big.bin"),
            ["tree/a/b/deep.txt"] = Path.Combine(work, "tree", "a", "b", "deep.txt"),
            ["tree/c/blob.dat"] = Path.Combine(work, "tree", "c", "blob.dat"),
            ["tree/top.txt"] = Path.Combine(work, "tree", "top.txt"),
        };
        foreach (var job in new[] { "tiny", "big", "tree", "broken" })
        {
            foreach (var stream in new[] { "stdout", "stderr" })
            {
                sources[$"{job}/{stream}.log"] = Path.Combine(ws.LogDir, $"{job}-{stream}.log");
            }
        }

        return sources;
    }

    private static void AssertStoppedByBroken(QueueState state)
    {
        Assert.Equal(QueueStatus.Failed, state.Status);
        Assert.Equal((JobStatus.Failed, 4), (state.Job("broken").Status, state.Job("broken").ExitCode));
        Assert.Equal(JobStatus.Skipped, state.Job("after").Status);
        Assert.All(new[] { "tiny", "big", "tree" }, id =>
            Assert.Equal((JobStatus.Completed, true), (state.Job(id).Status, state.Job(id).ResultsUploaded)));
    }

    private static List<string> FilesUnder(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];

    /// <summary>Runs <c>spawn queue status</c> until its table matches <paramref name="pattern"/>; returns that table.</summary>
    private static async Task<string> WaitForStatusAsync(Workspace where, string queueId, string pattern, BackgroundRun run)
    {
        var last = new CliResult(-1, "", "");
        try
        {
            await Poll.UntilAsync(
                async () =>
                {
                    Assert.False(run.HasExited, $"the run ended before status showed {pattern}:\n{run.Stdout}\n{run.Stderr}");
                    last = await where.SpawnAsync("queue", "status", queueId);
                    return last.ExitCode == 0 && Regex.IsMatch(last.Stdout, pattern);
                },
                TimeSpan.FromSeconds(25),
                $"status to show {pattern}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; the last status was:\n{last}", e);
        }

        return last.Stdout;
    }
}

/// <summary>
/// An outage of S3 in the middle of a run. moto keeps its data in memory, so the server itself stays up: the run
/// talks to it through a <see cref="PausingProxy"/> that goes down and comes back to the same data.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class S3QueueOutageTests : IAsyncLifetime
{
    private static readonly TimeSpan OutageLength = TimeSpan.FromSeconds(4);

    private readonly MotoServer s3;
    private readonly PausingProxy proxy;
    private readonly Workspace ws;

    public S3QueueOutageTests(MotoServer s3)
    {
        this.s3 = s3;
        proxy = new PausingProxy(s3.Port);
        ws = S3Workspace.Create(s3, proxy.Endpoint);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // A test that failed early may leave its job waiting for the go-ahead: release it rather than leave it to time out.
        S3Workspace.Go(ws);
        await proxy.DisposeAsync();
        ws.Dispose();
    }

    [Fact]
    public async Task An_S3_outage_as_a_job_finishes_is_ridden_out_by_retries_and_every_result_reaches_the_bucket()
    {
        var bucket = await s3.CreateBucketAsync();
        var queueId = S3Workspace.UniqueId("outage");
        var work = ws.Work;
        // 24 MiB goes up in parts; "ready" tells the test the file is written, "go" lets the job end.
        var queue = ws.WriteQueue($$"""
            {"queue_id": "{{queueId}}", "result_s3_bucket": "{{bucket}}", "jobs": [
              {"job_id": "produce", "timeout": "1m", "result_paths": ["{{work}}/big.bin"],
               "command": "head -c 25165824 /dev/urandom > big.bin; touch ready; {{S3Workspace.WaitForGo}}"},
              {"job_id": "after", "timeout": "1m", "depends_on": ["produce"], "result_paths": ["{{work}}/after.txt"], "command": "echo after > after.txt"}
            ]}
            """);
        var big = Path.Combine(work, "big.bin");
        await using var run = new BackgroundRun(ws, "queue", "run", queue, "--state-file", ws.StateFile, "--log-dir", ws.LogDir);
        await Poll.UntilAsync(() => File.Exists(Path.Combine(work, "ready")), TimeSpan.FromSeconds(30), "the job to write its result");

        await proxy.GoDownAsync();
        var outage = System.Diagnostics.Stopwatch.StartNew();
        S3Workspace.Go(ws);
        await Poll.UntilAsync(() => RetriedUploadOf(big, run.Stderr), TimeSpan.FromSeconds(30), $"a retry notice for {big}");
        // Keep the server down a few seconds in all: long enough for more than one failed attempt, well inside the
        // retries' 1+2+4+8 s, so the upload must come through. The length of the outage is the point, not a wait.
        var rest = OutageLength - outage.Elapsed;
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest);
        }

        proxy.ComeBack();
        var finished = await run.WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(finished.ExitCode == 0, finished.ToString());
        var prefix = $"queues/{queueId}";
        foreach (var state in new[] { ws.State(), await Buckets.StateAsync(s3, bucket, prefix) })
        {
            Assert.Equal(QueueStatus.Completed, state.Status);
            Assert.All(state.Jobs, j => Assert.Equal((JobStatus.Completed, true, null), (j.Status, j.ResultsUploaded, j.ErrorMessage)));
        }

        Assert.Equal(Buckets.Sha256(big), await Buckets.Sha256Async(s3, bucket, $"{prefix}/jobs/produce/big.bin"));
        Assert.Equal(Buckets.Sha256(Path.Combine(work, "after.txt")), await Buckets.Sha256Async(s3, bucket, $"{prefix}/jobs/after/after.txt"));
        Assert.Contains("jobs/produce/stdout.log", await Buckets.KeysAsync(s3, bucket, prefix));
    }

    private static bool RetriedUploadOf(string file, string stderr) =>
        stderr.Split('\n').Any(line => line.Contains($"upload of {file} to s3://", StringComparison.Ordinal) && line.Contains("retrying in", StringComparison.Ordinal));
}
