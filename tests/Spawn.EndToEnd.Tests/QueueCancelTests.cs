using Amazon.S3.Model;
using Spawn.Aws;
using Spawn.Tests.Shared;
using Spawn.Core.Ports;
using Spawn.Core.State;
using S3Server = Spawn.Tests.Shared.MotoServer;

namespace Spawn.EndToEnd.Tests;

/// <summary>
/// <c>spawn queue cancel</c> as the agent sees it: an object at <c>{prefix}/control/cancel</c> stops the running job's
/// group, ends the queue failed in S3, and, with <c>--power-off</c>, powers the machine off; nothing resumes it.
/// </summary>
public sealed class QueueCancelTests(S3Server s3) : IClassFixture<S3Server>, IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);

    private readonly Workspace ws = S3Workspace.Create(s3);

    public void Dispose() => ws.Dispose();

    [Fact]
    public async Task The_cancel_object_stops_the_job_group_ends_the_queue_failed_in_S3_and_powers_off_and_a_restart_finds_it_ended()
    {
        var marker = $"65432{Random.Shared.Next(1000, 9999)}";
        var (queue, bucket, prefix) = await WriteQueueAsync("cancel", marker);
        var recorder = new PowerOffRecorder(ws, $"s3://{bucket}/{prefix}/queue-state.json");
        await using var agent = Agent(queue, "--power-off");
        await Poll.UntilAsync(() => Posix.ProcessesWith($"sleep {marker}").Count == 2, TimeSpan.FromSeconds(30), "the job's processes to start");

        var requested = await PutCancelAsync(bucket, prefix);
        // The agent looks every 5 s; then the group has its grace to end (sleep ends at once on SIGTERM).
        await Poll.UntilAsync(() => Posix.ProcessesWith($"sleep {marker}").Count == 0, S3CancelRequests.Interval + Grace + TimeSpan.FromSeconds(5), "the job's group to be gone");
        var run = await agent.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(["poweroff"], recorder.Calls);
        AssertCancelled(recorder.StateAtCall(1), requested);
        AssertCancelled(await Buckets.StateAsync(s3, bucket, prefix), requested);
        AssertCancelled(ws.State(), requested);
        Assert.Contains("jobs/long/stdout.log", await Buckets.KeysAsync(s3, bucket, prefix));
        Assert.Contains($"queue ended (failed); final state in s3://{bucket}/{prefix}/queue-state.json; powering off", run.Stdout);

        // The unit starts the agent again (a reboot, say): the queue has ended; it says so and powers off again.
        var again = await ws.RunAsync(Binaries.Spored, ["run-queue", queue, "--state-file", ws.StateFile, "--log-dir", ws.LogDir, "--power-off"]);

        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Contains("already ended failed", again.Stdout);
        Assert.Equal(["poweroff", "poweroff"], recorder.Calls);
        Assert.Equal(["first", "long"], File.ReadAllLines(Path.Combine(ws.Work, "ran.txt"))); // nothing ran again
        AssertCancelled(ws.State(), requested);
    }

    [Fact]
    public async Task A_SIGTERM_that_comes_before_the_agent_saw_the_request_still_ends_the_queue_cancelled_without_powering_off()
    {
        // `spawn queue cancel` puts the object and at once ends the instance: its shutdown stops the agent with SIGTERM,
        // most likely before the agent's next look.
        var marker = $"54321{Random.Shared.Next(1000, 9999)}";
        var (queue, bucket, prefix) = await WriteQueueAsync("cancelterm", marker);
        var recorder = new PowerOffRecorder(ws, $"s3://{bucket}/{prefix}/queue-state.json");
        await using var agent = Agent(queue, "--power-off");
        await Poll.UntilAsync(() => Posix.ProcessesWith($"sleep {marker}").Count == 2, TimeSpan.FromSeconds(30), "the job's processes to start");

        var requested = await PutCancelAsync(bucket, prefix);
        Posix.kill(agent.Pid, Posix.SIGTERM);
        var run = await agent.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Empty(recorder.Calls);
        Assert.Empty(Posix.ProcessesWith($"sleep {marker}"));
        AssertCancelled(await Buckets.StateAsync(s3, bucket, prefix), requested);
        AssertCancelled(ws.State(), requested);
    }

    private BackgroundRun Agent(string queue, params string[] extra) =>
        BackgroundRun.Spored(ws, ["run-queue", queue, "--state-file", ws.StateFile, "--log-dir", ws.LogDir, .. extra]);

    /// <summary>first (done at once), long (two sleeps in its group), after (waits for long).</summary>
    private async Task<(string Queue, string Bucket, string Prefix)> WriteQueueAsync(string stem, string marker)
    {
        var bucket = await s3.CreateBucketAsync();
        var queueId = S3Workspace.UniqueId(stem);
        var queue = ws.WriteQueue($$"""
            {"queue_id": "{{queueId}}", "result_s3_bucket": "{{bucket}}", "kill_grace": "{{Grace.TotalSeconds}}s", "jobs": [
              {"job_id": "first", "timeout": "1m", "command": "echo first >> ran.txt"},
              {"job_id": "long", "timeout": "1h", "depends_on": ["first"], "command": "echo long >> ran.txt; sleep {{marker}} & sleep {{marker}}"},
              {"job_id": "after", "timeout": "1m", "depends_on": ["long"], "command": "echo after >> ran.txt"}
            ]}
            """);
        return (queue, bucket, $"queues/{queueId}");
    }

    /// <summary>What <c>spawn queue cancel</c> puts.</summary>
    private async Task<CancelRequest> PutCancelAsync(string bucket, string prefix)
    {
        var request = new CancelRequest(DateTimeOffset.UtcNow, "e2e@test");
        using var client = s3.CreateClient();
        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = $"{prefix}/control/cancel",
            InputStream = new MemoryStream(CancelRequestJson.Serialize(request)),
            UseChunkEncoding = false,
        });
        return request;
    }

    private static void AssertCancelled(QueueState state, CancelRequest request)
    {
        var reason = $"cancelled by spawn queue cancel (requested at {QueueStateJson.FormatTime(request.RequestedAt)})";
        Assert.Equal(QueueStatus.Failed, state.Status);
        Assert.StartsWith(reason, state.ErrorMessage);
        Assert.Equal(JobStatus.Completed, state.Job("first").Status);
        var stopped = state.Job("long");
        Assert.Equal((JobStatus.Failed, $"stopped: {reason}"), (stopped.Status, stopped.ErrorMessage));
        Assert.InRange(stopped.ExitCode ?? 0, 129, 255);
        Assert.Equal((JobStatus.Skipped, $"skipped: {reason}"), (state.Job("after").Status, state.Job("after").ErrorMessage));
    }
}
