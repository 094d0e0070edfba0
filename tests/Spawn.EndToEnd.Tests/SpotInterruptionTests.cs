using Spawn.Aws;
using Spawn.Core.State;
using Spawn.Tests.Shared;
using S3Server = Spawn.Tests.Shared.MotoServer;

namespace Spawn.EndToEnd.Tests;

/// <summary>
/// A spot interruption notice as the agent sees it: the IMDS stub serves <c>spot/instance-action</c> while a long job
/// runs. The job's group is stopped within its grace, its attempt is recorded as interrupted without using one up,
/// its logs and the state go to S3, the queue reads <c>interrupted</c> and nothing else starts. Then the machine is
/// "stopped and started again": the agent killed as at power-off and started on the same disk resumes the queue.
/// </summary>
public sealed class SpotInterruptionTests(S3Server s3) : IClassFixture<S3Server>, IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);

    private readonly Workspace ws = S3Workspace.Create(s3);

    public void Dispose() => ws.Dispose();

    private string ActionFile => ws.Path_("instance-action.json");

    [Fact]
    public async Task A_notice_stops_the_job_within_its_grace_stores_it_interrupted_and_a_restart_on_the_same_disk_finishes_the_queue()
    {
        var marker = $"76543{Random.Shared.Next(1000, 9999)}";
        var bucket = await s3.CreateBucketAsync();
        var queueId = S3Workspace.UniqueId("spot");
        var prefix = $"queues/{queueId}";
        var queue = ws.WriteQueue($$"""
            {"queue_id": "{{queueId}}", "result_s3_bucket": "{{bucket}}", "kill_grace": "{{Grace.TotalSeconds}}s", "jobs": [
              {"job_id": "first", "timeout": "1m", "command": "echo first $JOB_ATTEMPT >> ran.txt"},
              {"job_id": "long", "timeout": "1h", "depends_on": ["first"], "retry": {"max_attempts": 2},
               "command": "echo long $JOB_ATTEMPT >> ran.txt; [ -e go ] || { sleep {{marker}} & sleep {{marker}}; }; echo done > long.out",
               "result_paths": ["long.out"]},
              {"job_id": "after", "timeout": "1m", "depends_on": ["long"], "command": "echo after $JOB_ATTEMPT >> ran.txt"}
            ]}
            """);
        await using var imds = await ImdsStub.StartAsync("i-0spot000000000001", "us-east-1", "m5.large", "--life-cycle", "spot", "--spot-action-file", ActionFile);
        foreach (var (key, value) in imds.ChildEnvironment)
        {
            ws.Environment[key] = value;
        }

        var recorder = new PowerOffRecorder(ws, $"s3://{bucket}/{prefix}/queue-state.json");
        await using var agent = BackgroundRun.Spored(ws, "run-queue", queue, "--state-file", ws.StateFile, "--log-dir", ws.LogDir, "--power-off");
        await Poll.UntilAsync(() => Posix.ProcessesWith($"sleep {marker}").Count == 2, TimeSpan.FromSeconds(30), "the long job's processes to start");
        Assert.Equal(1, ws.State().Job("long").Attempt);

        await File.WriteAllTextAsync(ActionFile, $$"""{"action": "stop", "time": "{{QueueStateJson.FormatTime(DateTimeOffset.UtcNow.AddMinutes(2))}}"}""");
        var noticed = DateTime.UtcNow;
        await Poll.UntilAsync(() => Posix.ProcessesWith($"sleep {marker}").Count == 0, SpotNotices.Interval + Grace + TimeSpan.FromSeconds(3), "the job's group to be gone");
        Assert.InRange(DateTime.UtcNow - noticed, TimeSpan.Zero, SpotNotices.Interval + Grace + TimeSpan.FromSeconds(3));
        // Saved as interrupted first, then the logs go up, then the state once more: the agent then says it waits.
        await Poll.UntilAsync(() => agent.Stdout.Contains("waiting for EC2 to take the instance", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the agent to be done with the notice");

        AssertInterrupted(ws.State());
        AssertInterrupted(await Buckets.StateAsync(s3, bucket, prefix));
        Assert.Contains("jobs/long/stdout.log", await Buckets.KeysAsync(s3, bucket, prefix));
        Assert.Equal(["first 1", "long 1"], File.ReadAllLines(Path.Combine(ws.Work, "ran.txt")));
        var status = await ws.SpawnAsync("queue", "status", ws.StateFile);
        Assert.Contains("Status:      interrupted", status.Stdout);
        Assert.Contains("Why:         interrupted by a spot interruption notice (EC2 will stop the instance", status.Stdout);

        // The agent starts nothing and waits for EC2 to take the machine; it does not power off.
        await Task.Delay(SpotNotices.Interval * 2);
        Assert.False(agent.HasExited, agent.Stdout);
        Assert.Equal(["first 1", "long 1"], File.ReadAllLines(Path.Combine(ws.Work, "ran.txt")));
        Assert.Empty(recorder.Calls);

        // EC2 stops the instance (the agent dies with it) and starts it again later: the notice it finds then is old.
        Posix.kill(agent.Pid, Posix.SIGKILL);
        await agent.WaitAsync(TimeSpan.FromSeconds(30));
        await File.WriteAllTextAsync(ActionFile, $$"""{"action": "stop", "time": "{{QueueStateJson.FormatTime(DateTimeOffset.UtcNow.AddMinutes(-5))}}"}""");
        S3Workspace.Go(ws); // the long job is quick this time
        var again = await ws.RunAsync(Binaries.Spored, ["run-queue", queue, "--state-file", ws.StateFile, "--log-dir", ws.LogDir, "--power-off"], TimeSpan.FromMinutes(2));

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(["first 1", "long 1", "long 1", "after 1"], File.ReadAllLines(Path.Combine(ws.Work, "ran.txt")));
        var final = await Buckets.StateAsync(s3, bucket, prefix);
        Assert.Equal(QueueStatus.Completed, final.Status);
        Assert.Null(final.ErrorMessage);
        Assert.All(final.Jobs, job => Assert.Equal((JobStatus.Completed, 1), (job.Status, job.Attempt)));
        Assert.Equal(["poweroff"], recorder.Calls);
        Assert.Equal(QueueStatus.Completed, recorder.StateAtCall(1).Status);
    }

    private static void AssertInterrupted(QueueState state)
    {
        Assert.Equal(QueueStatus.Interrupted, state.Status);
        Assert.StartsWith("interrupted by a spot interruption notice (EC2 will stop the instance at ", state.ErrorMessage);
        Assert.Contains("the queue resumes by itself when EC2 starts the instance again", state.ErrorMessage);
        Assert.Equal(JobStatus.Completed, state.Job("first").Status);
        var cut = state.Job("long");
        Assert.Equal(JobStatus.Pending, cut.Status);
        Assert.Equal(0, cut.Attempt); // the cut-short attempt is not counted: it runs again as attempt 1
        Assert.StartsWith("attempt 1 interrupted by a spot interruption notice", cut.ErrorMessage);
        Assert.Equal((JobStatus.Pending, 0), (state.Job("after").Status, state.Job("after").Attempt));
    }
}
