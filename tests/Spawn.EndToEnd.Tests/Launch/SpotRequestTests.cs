using System.Text.Json;

namespace Spawn.EndToEnd.Tests.Launch;

/// <summary>
/// The end of a queue on a spot instance whose persistent request would have EC2 start it again: the agent cancels
/// its own request, found by its instance id, before it powers off. moto keeps no spot request for RunInstances, so
/// the test makes the request EC2 would have made (request-spot-instances, tagged as spawn launch tags it) and lets
/// the stand-in instance be the one that request started.
/// </summary>
public sealed class SpotRequestTests
{
    private const string Bucket = "spawn-results-us-east-1";

    [Fact]
    public async Task At_the_end_the_agent_cancels_its_persistent_spot_request_before_it_powers_off()
    {
        await using var box = await InstanceSandbox.StartAsync(Bucket, "queues/sir-q");
        var (launchedId, user, requestId, spotInstance) = await LaunchOnSpotAsync(box);
        Assert.Equal(0, (await BootstrapTests.RunUserDataAsync(box, launchedId)).ExitCode);
        Assert.Contains("ExecStartPre=-/usr/local/bin/spored cancel-spot-request", (await box.ShellAsync("cat /etc/systemd/system/spored-deadline.service")).Stdout);
        Assert.Equal([requestId], await ActiveRequestsAsync(box, user));

        var run = await BootstrapTests.StartUnitAsync(box);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"cancelled spot request {requestId} of {spotInstance}", run.Stdout);
        Assert.Single(File.ReadAllLines(box.Recorded), line => line.Contains("poweroff", StringComparison.Ordinal));
        Assert.Equal([""], File.ReadAllLines(box.RecordedSpotRequestsAtPowerOff)); // none active any more when it powered off
        Assert.Empty(await ActiveRequestsAsync(box, user));
        Assert.True(run.Stdout.IndexOf("cancelled spot request", StringComparison.Ordinal) > run.Stdout.IndexOf("powering off", StringComparison.Ordinal));

        // The dead-man switch's cancel, run now: nothing open is left, and it says so.
        var deadMan = await box.RunAsync(["/usr/local/bin/spored", "cancel-spot-request"], InstanceSandbox.InstanceEnvironment);
        Assert.True(deadMan.ExitCode == 0, deadMan.ToString());
        Assert.Contains($"no open spot request of {spotInstance} to cancel", deadMan.Stdout);
    }

    [Fact]
    public async Task A_bootstrap_that_gives_up_cancels_the_spot_request_before_it_powers_off()
    {
        await using var box = await InstanceSandbox.StartAsync(Bucket, "queues/sir-q");
        var (launchedId, user, requestId, spotInstance) = await LaunchOnSpotAsync(box);
        // Not the agent spawn launch uploaded: the bootstrap refuses it at once.
        await File.WriteAllTextAsync(Path.Combine(box.Directory_, "not-the-agent"), "tampered");
        Assert.Equal(0, (await box.RunAsync(["aws", "s3", "cp", Path.Combine(box.Directory_, "not-the-agent"), $"s3://{Bucket}/queues/sir-q/agent/spored"], user)).ExitCode);

        var bootstrap = await BootstrapTests.RunUserDataAsync(box, launchedId);

        Assert.True(bootstrap.ExitCode == 1, bootstrap.ToString());
        Assert.Contains("does not have the sha256 spawn launch uploaded", bootstrap.Stderr);
        Assert.Contains($"cancelled spot request {requestId} of {spotInstance}", bootstrap.Stderr);
        Assert.Single(File.ReadAllLines(box.Recorded), line => line.EndsWith(" poweroff", StringComparison.Ordinal));
        Assert.Equal([""], File.ReadAllLines(box.RecordedSpotRequestsAtPowerOff));
    }

    /// <summary>spawn launch --spot, then the stand-in instance becomes the one the spot request EC2 would have made started.</summary>
    private static async Task<(string LaunchedId, Dictionary<string, string> User, string RequestId, string SpotInstance)> LaunchOnSpotAsync(InstanceSandbox box)
    {
        var (launchedId, user) = await BootstrapTests.LaunchAsync(box, "sir-q", """{ "job_id": "only", "command": "echo done", "timeout": "1m" }""", launchFlags: ["--spot"]);
        var (requestId, spotInstance) = await RequestSpotAsync(box, user);
        box.StopImds();
        await box.StartImdsAsync(spotInstance, "t3.medium", "--life-cycle", "spot");
        return (launchedId, user, requestId, spotInstance);
    }

    /// <summary>The request EC2 would have made for spawn launch --spot, and the instance it started.</summary>
    private static async Task<(string RequestId, string InstanceId)> RequestSpotAsync(InstanceSandbox box, IReadOnlyDictionary<string, string> user)
    {
        var request = JsonDocument.Parse((await box.RunAsync(
            ["aws", "ec2", "request-spot-instances", "--type", "persistent", "--instance-interruption-behavior", "stop",
             "--launch-specification", """{"ImageId": "ami-12c6146b", "InstanceType": "t3.medium"}""",
             "--tag-specifications", "ResourceType=spot-instances-request,Tags=[{Key=spawn:queue-id,Value=sir-q}]", "--output", "json"], user)).Stdout)
            .RootElement.GetProperty("SpotInstanceRequests")[0];
        return (request.GetProperty("SpotInstanceRequestId").GetString()!, request.GetProperty("InstanceId").GetString()!);
    }

    private static async Task<string[]> ActiveRequestsAsync(InstanceSandbox box, IReadOnlyDictionary<string, string> user)
    {
        var listed = await box.RunAsync(["aws", "ec2", "describe-spot-instance-requests", "--filters", "Name=state,Values=active,open", "--query", "SpotInstanceRequests[].SpotInstanceRequestId", "--output", "text"], user);
        return listed.Stdout.Split(['\t', '\n', ' '], StringSplitOptions.RemoveEmptyEntries);
    }
}
