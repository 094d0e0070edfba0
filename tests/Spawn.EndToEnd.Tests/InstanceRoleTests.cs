using Spawn.Tests.Shared;
using Spawn.Core.State;
using S3Server = Spawn.Tests.Shared.MotoServer;

namespace Spawn.EndToEnd.Tests;

/// <summary>On an instance the agent has no keys of its own: the SDK takes the instance role's from the metadata service.</summary>
public sealed class InstanceRoleTests(S3Server s3) : IClassFixture<S3Server>, IDisposable
{
    private readonly Workspace ws = S3Workspace.Create(s3);

    public void Dispose() => ws.Dispose();

    [Fact]
    public async Task Spored_reaches_S3_with_the_instance_roles_credentials_and_names_the_instance_in_the_mirrored_state()
    {
        var keys = s3.ChildEnvironment;
        await using var imds = await ImdsStub.StartAsync("i-0aaaabbbbccccdddd", "us-east-1", "m7i.large",
            "--role", "spawn-agent", "--access-key-id", keys["AWS_ACCESS_KEY_ID"], "--secret-access-key", keys["AWS_SECRET_ACCESS_KEY"], "--token", "session-token");
        foreach (var (key, value) in imds.ChildEnvironment)
        {
            ws.Environment[key] = value;
        }

        // Empty is unset for the SDK's environment provider: the chain goes on to the instance profile.
        ws.Environment["AWS_ACCESS_KEY_ID"] = "";
        ws.Environment["AWS_SECRET_ACCESS_KEY"] = "";
        var bucket = await s3.CreateBucketAsync();
        var queueId = S3Workspace.UniqueId("role");
        var queue = ws.WriteQueue($$"""
            {"queue_id": "{{queueId}}", "result_s3_bucket": "{{bucket}}", "jobs": [{"job_id": "a", "timeout": "1m", "command": "{{S3Workspace.WaitForGo}}"}]}
            """);
        await using var agent = BackgroundRun.Spored(ws, "run-queue", queue, "--state-file", ws.StateFile, "--log-dir", ws.LogDir);
        await Poll.UntilAsync(() => agent.Stdout.Contains("on EC2 instance i-0aaaabbbbccccdddd", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the agent to learn its instance");
        S3Workspace.Go(ws);
        var run = await agent.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(imds.Requests, r => r.Contains("GET /latest/meta-data/iam/security-credentials/spawn-agent HTTP/1.1 -> 200", StringComparison.Ordinal));
        var mirrored = await Buckets.StateAsync(s3, bucket, $"queues/{queueId}");
        Assert.Equal((QueueStatus.Completed, true), (mirrored.Status, mirrored.Job("a").ResultsUploaded));
        Assert.Equal(new InstanceIdentity("i-0aaaabbbbccccdddd", "us-east-1", "m7i.large"), mirrored.Instance);
    }
}
