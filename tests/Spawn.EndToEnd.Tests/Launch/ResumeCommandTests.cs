using Spawn.Tests.Shared;

namespace Spawn.EndToEnd.Tests.Launch;

/// <summary>
/// <c>spawn queue resume</c> against moto: what it refuses (one line, exit 2, no new instance), and what it sends
/// when it may: a new instance of the same type whose unit starts from the state in S3.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class ResumeCommandTests(MotoServer moto) : IAsyncLifetime
{
    private readonly LaunchWorkspace launch = new(moto);

    public Task InitializeAsync() => launch.PrepareAccountAsync();

    public Task DisposeAsync()
    {
        launch.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task It_refuses_what_cannot_resume_and_resumes_an_interrupted_queue_on_a_new_instance_of_the_same_type()
    {
        var launched = await launch.LaunchAsync(launch.Queue(), "t3.small", "--json");
        Assert.True(launched.ExitCode == 0, launched.ToString());
        var first = LaunchWorkspace.InstanceIdFrom(launched);

        await RefusedAsync("this machine launched no queue \"other-q\"", "other-q");
        await RefusedAsync("no state at s3://spawn-results-us-east-1/queues/launch-q/queue-state.json: queue launch-q never started there", "launch-q");

        await StoreStateAsync("interrupted", first);
        await RefusedAsync($"queue launch-q still has instance {first} (running), which EC2 may start or resume", "launch-q");
        await moto.AwsCliAsync("ec2", "terminate-instances", "--instance-ids", first);
        await RefusedAsync("--spot and --on-demand contradict each other: give one", "launch-q", "--spot", "--on-demand");
        var renamed = launch.Files.WriteQueue("""
            { "queue_id": "launch-q", "result_s3_bucket": "spawn-results-us-east-1",
              "jobs": [ { "job_id": "hello2", "command": "true", "timeout": "5m" } ] }
            """, "renamed.json");
        await RefusedAsync("the queue file's job ids differ from the stored state's (new: hello2; gone: hello)", "launch-q", "--queue", renamed);

        var resumed = await launch.Files.SpawnAsync(["queue", "resume", first, "--agent-dir", launch.AgentDir, "--json"]);

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("Resuming queue launch-q (interrupted, 0 of 1 jobs completed) on a new on-demand t3.small", resumed.Stderr);
        var second = LaunchWorkspace.InstanceIdFrom(resumed);
        Assert.Equal("t3.small", (await launch.InstanceAsync(second)).GetProperty("InstanceType").GetString());
        Assert.Matches(@"--resume-from-s3 2026-12-01T14:00:00.000Z --resumed-at \d{4}-", await launch.UserDataAsync(second));

        await StoreStateAsync("completed", second);
        await moto.AwsCliAsync("ec2", "terminate-instances", "--instance-ids", second);
        await RefusedAsync("queue launch-q completed; nothing to resume", "launch-q");
    }

    private async Task RefusedAsync(string expected, params string[] args)
    {
        var before = await launch.InstanceCountAsync();
        var result = await launch.Files.SpawnAsync(["queue", "resume", .. args, "--agent-dir", launch.AgentDir]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith($"error: {expected}", result.Stderr.Trim());
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Equal(before, await launch.InstanceCountAsync());
    }

    private async Task StoreStateAsync(string status, string instanceId)
    {
        var path = launch.Files.Path_("state.json");
        await File.WriteAllTextAsync(path, $$"""
            {"queue_id": "launch-q", "queue_name": "launch-q", "status": "{{status}}", "started_at": "2026-12-01T14:00:00Z",
             "updated_at": "2026-12-01T14:01:00Z", "instance_id": "{{instanceId}}", "instance_type": "t3.small", "region": "us-east-1",
             "jobs": [{"job_id": "hello", "status": "{{(status == "completed" ? "completed" : "pending")}}", "attempt": {{(status == "completed" ? 1 : 0)}}}]}
            """);
        await moto.AwsCliAsync("s3", "cp", path, $"s3://{LaunchWorkspace.Bucket}/queues/launch-q/queue-state.json");
    }
}
