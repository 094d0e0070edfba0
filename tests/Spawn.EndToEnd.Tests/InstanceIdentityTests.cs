using Spawn.Tests.Shared;

namespace Spawn.EndToEnd.Tests;

/// <summary>Only the agent asks the instance metadata service; <c>spawn queue run</c> never does.</summary>
public sealed class InstanceIdentityTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    [Fact]
    public async Task Spawn_queue_run_never_asks_the_metadata_service_and_its_state_names_no_instance()
    {
        await using var imds = await ImdsStub.StartAsync("i-0123456789abcdef0", "eu-west-1", "t3.micro");
        foreach (var (key, value) in imds.ChildEnvironment)
        {
            ws.Environment[key] = value;
        }

        var queue = ws.WriteQueue("""{"queue_id": "local", "jobs": [{"job_id": "a", "timeout": "1m", "command": "true"}]}""");

        var run = await ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Null(ws.State().Instance);
        Assert.DoesNotContain("instance_id", File.ReadAllText(ws.StateFile));
        Assert.Empty(imds.Requests);
    }

    [Fact]
    public async Task Spored_names_its_instance_in_the_state_file()
    {
        await using var imds = await ImdsStub.StartAsync("i-0fedcba9876543210", "ap-south-1", "m7g.medium");
        foreach (var (key, value) in imds.ChildEnvironment)
        {
            ws.Environment[key] = value;
        }

        var queue = ws.WriteQueue($$"""{"queue_id": "named", "jobs": [{"job_id": "a", "timeout": "1m", "command": "{{S3Workspace.WaitForGo}}"}]}""");
        await using var agent = BackgroundRun.Spored(ws, "run-queue", queue, "--state-file", ws.StateFile, "--log-dir", ws.LogDir, "--results-dir", ws.ResultsDir);
        await Poll.UntilAsync(() => agent.Stdout.Contains("on EC2 instance i-0fedcba9876543210", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the agent to learn its instance");
        S3Workspace.Go(ws);
        var run = await agent.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(new Core.State.InstanceIdentity("i-0fedcba9876543210", "ap-south-1", "m7g.medium"), ws.State().Instance);
        Assert.Contains("\"instance_type\": \"m7g.medium\"", File.ReadAllText(ws.StateFile));
    }
}
