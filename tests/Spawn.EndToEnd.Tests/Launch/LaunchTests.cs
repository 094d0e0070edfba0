using System.Text;
using System.Text.Json;
using Spawn.Tests.Shared;

namespace Spawn.EndToEnd.Tests.Launch;

/// <summary>
/// <c>spawn launch</c> against moto: every flag reaches EC2 and is read back by an independent client (the aws CLI),
/// and a launch that is refused creates nothing — no instance, no object.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class LaunchTests(MotoServer moto) : IAsyncLifetime
{
    private readonly LaunchWorkspace launch = new(moto);

    public Task InitializeAsync() => launch.PrepareAccountAsync();

    public Task DisposeAsync()
    {
        launch.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_flag_reaches_EC2_and_the_agent_and_queue_reach_S3()
    {
        var group = JsonDocument.Parse(await moto.AwsCliAsync("ec2", "create-security-group", "--group-name", "spawn-test", "--description", "test")).RootElement.GetProperty("GroupId").GetString()!;
        await moto.AwsCliAsync("ec2", "create-key-pair", "--key-name", "my-key");
        await moto.AwsCliAsync("iam", "create-instance-profile", "--instance-profile-name", "custom-profile");
        var subnet = JsonDocument.Parse(await moto.AwsCliAsync("ec2", "describe-subnets")).RootElement.GetProperty("Subnets")[0].GetProperty("SubnetId").GetString()!;
        string[] flags = ["--disk-size", "50", "--security-group", group, "--subnet", subnet, "--iam-role", "custom-profile", "--key-name", "my-key", "--name", "nightly", "--tag", "team=ml", "--tag", "cost-center=42", "--json"];
        var queue = launch.Queue();

        var dryRun = await launch.LaunchAsync(queue, "t3.medium", [.. flags, "--dry-run"]);
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        var launched = await launch.LaunchAsync(queue, "t3.medium", flags);
        Assert.True(launched.ExitCode == 0, launched.ToString());

        var id = LaunchWorkspace.InstanceIdFrom(launched);
        var instance = await launch.InstanceAsync(id);
        var defaultAmi = (await moto.AwsCliAsync("ssm", "get-parameter", "--name", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", "--query", "Parameter.Value", "--output", "text")).Trim();
        Assert.Equal("t3.medium", instance.GetProperty("InstanceType").GetString());
        Assert.Equal(defaultAmi, instance.GetProperty("ImageId").GetString());
        Assert.Equal(subnet, instance.GetProperty("SubnetId").GetString());
        Assert.Equal("my-key", instance.GetProperty("KeyName").GetString());
        Assert.EndsWith("instance-profile/custom-profile", instance.GetProperty("IamInstanceProfile").GetProperty("Arn").GetString());
        Assert.Contains(instance.GetProperty("SecurityGroups").EnumerateArray(), g => g.GetProperty("GroupId").GetString() == group);
        Assert.Equal("required", instance.GetProperty("MetadataOptions").GetProperty("HttpTokens").GetString());
        Assert.False(instance.TryGetProperty("InstanceLifecycle", out _), "an on-demand launch must not be spot");
        var tags = LaunchWorkspace.Tags(instance);
        Assert.Equal("nightly", tags["Name"]);
        Assert.Equal("launch-q", tags["spawn:queue-id"]);
        Assert.Equal($"s3://{LaunchWorkspace.Bucket}/queues/launch-q", tags["spawn:results"]);
        Assert.Equal("ml", tags["team"]);
        Assert.Equal("42", tags["cost-center"]);

        var shutdown = JsonDocument.Parse(await moto.AwsCliAsync("ec2", "describe-instance-attribute", "--instance-id", id, "--attribute", "instanceInitiatedShutdownBehavior")).RootElement;
        Assert.Equal("terminate", shutdown.GetProperty("InstanceInitiatedShutdownBehavior").GetProperty("Value").GetString());

        var volume = JsonDocument.Parse(await moto.AwsCliAsync("ec2", "describe-volumes", "--filters", $"Name=attachment.instance-id,Values={id}")).RootElement.GetProperty("Volumes")[0];
        Assert.Equal(50, volume.GetProperty("Size").GetInt32());
        Assert.Equal("gp3", volume.GetProperty("VolumeType").GetString());
        Assert.Equal("launch-q", LaunchWorkspace.Tags(volume)["spawn:queue-id"]);

        // The user data is byte for byte what the dry run showed, and names the uploads by their digests.
        var userData = await launch.UserDataAsync(id);
        Assert.Equal(JsonDocument.Parse(dryRun.Stdout).RootElement.GetProperty("user_data").GetString(), userData);
        Assert.StartsWith("#!/bin/bash\n", userData);
        Assert.Contains($"agent_sha256={launch.AgentSha256("linux-x64")}", userData);
        Assert.Contains("ExecStart=/usr/local/bin/spored run-queue /var/lib/spored/queue.json --power-off", userData);
        Assert.Contains("deadline_minutes=75", userData);
        Assert.DoesNotContain("testing", userData);

        var keys = await launch.KeysAsync();
        Assert.Equal(
            ["queues/launch-q/agent/queue.json", "queues/launch-q/agent/queue.json.sha256", "queues/launch-q/agent/spored", "queues/launch-q/agent/spored.sha256"],
            keys.Order(StringComparer.Ordinal));
        Assert.Equal(File.ReadAllText(Path.Combine(launch.AgentDir, "linux-x64", "spored")), await launch.ObjectAsync("queues/launch-q/agent/spored"));
        Assert.StartsWith(launch.AgentSha256("linux-x64") + "  spored", await launch.ObjectAsync("queues/launch-q/agent/spored.sha256"));
    }

    [Fact]
    public async Task An_arm64_instance_type_gets_the_arm64_image_and_agent()
    {
        var launched = await launch.LaunchAsync(launch.Queue(), "c7g.large", "--json");
        Assert.True(launched.ExitCode == 0, launched.ToString());

        var instance = await launch.InstanceAsync(LaunchWorkspace.InstanceIdFrom(launched));
        var armAmi = (await moto.AwsCliAsync("ssm", "get-parameter", "--name", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64", "--query", "Parameter.Value", "--output", "text")).Trim();
        Assert.Equal(armAmi, instance.GetProperty("ImageId").GetString());
        Assert.Equal("arm64", JsonDocument.Parse(launched.Stdout).RootElement.GetProperty("architecture").GetString());
        Assert.Contains("linux-arm64", await launch.ObjectAsync("queues/launch-q/agent/spored"));
    }

    [Fact]
    public async Task Spot_asks_EC2_for_a_persistent_spot_request_stopped_on_interruption_with_its_max_price()
    {
        using var http = new HttpClient();
        await http.PostAsync($"{moto.Endpoint}/moto-api/recorder/reset-recording", null);
        await http.PostAsync($"{moto.Endpoint}/moto-api/recorder/start-recording", null);
        var launched = await launch.LaunchAsync(launch.Queue(), "t3.medium", "--spot", "--max-price", "0.05", "--spot-fallback", "on-demand", "--json");
        await http.PostAsync($"{moto.Endpoint}/moto-api/recorder/stop-recording", null);
        Assert.True(launched.ExitCode == 0, launched.ToString());

        var instance = await launch.InstanceAsync(LaunchWorkspace.InstanceIdFrom(launched));
        Assert.Equal("spot", instance.GetProperty("InstanceLifecycle").GetString());

        // moto keeps no spot options; what was sent is in its request recorder.
        var recording = await http.GetStringAsync($"{moto.Endpoint}/moto-api/recorder/download-recording");
        var runInstances = recording.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(RequestBody)
            .Where(body => body.Contains("Action=RunInstances", StringComparison.Ordinal) && !body.Contains("DryRun=true", StringComparison.Ordinal))
            .ToList();
        var sent = Assert.Single(runInstances);
        Assert.Contains("InstanceMarketOptions.MarketType=spot", sent);
        Assert.Contains("InstanceMarketOptions.SpotOptions.SpotInstanceType=persistent", sent);
        Assert.Contains("InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior=stop", sent);
        Assert.Contains("InstanceMarketOptions.SpotOptions.MaxPrice=0.05", sent);
        // A power-off at the queue's end still terminates; the agent cancels the persistent request before it.
        Assert.Contains("InstanceInitiatedShutdownBehavior=terminate", sent);
        Assert.Contains("TagSpecification.3.ResourceType=spot-instances-request", sent);
        var userData = Encoding.UTF8.GetString(Convert.FromBase64String(sent.Split('&').Single(p => p.StartsWith("UserData=", StringComparison.Ordinal))["UserData=".Length..]));
        Assert.Contains("ExecStartPre=-/usr/local/bin/spored cancel-spot-request", userData);
        Assert.Matches(@"ExecStart=/usr/local/bin/spored run-queue /var/lib/spored/queue.json --power-off --resume-from-s3 \d{4}-", userData);
    }

    [Theory]
    [InlineData("--max-price 0.05", "error: --max-price is for spot instances: add --spot")]
    [InlineData("--spot --max-price cheap", "error: --max-price \"cheap\": expected USD per hour above 0.001, e.g. 0.05")]
    [InlineData("--spot --spot-fallback spot", "error: --spot-fallback \"spot\": the one fallback is on-demand")]
    [InlineData("--spot-fallback on-demand", "error: --spot-fallback is for spot instances: add --spot")]
    public async Task Spot_flags_that_make_no_sense_are_one_line_and_launch_nothing(string flags, string expected)
    {
        var result = await launch.LaunchAsync(launch.Queue(), "t3.medium", flags.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(expected, result.Stderr.Trim());
        await AssertNothingCreatedAsync(result);
    }

    [Fact]
    public async Task An_invalid_queue_creates_nothing()
    {
        var queue = launch.Files.WriteQueue("""
            {
              "queue_id": "bad", "result_s3_bucket": "spawn-results-us-east-1",
              "jobs": [
                { "job_id": "a", "command": "true", "timeout": "1m", "depends_on": ["b"] },
                { "job_id": "b", "command": "true", "timeout": "1m", "depends_on": ["a"] }
              ]
            }
            """);

        var result = await launch.LaunchAsync(queue, "t3.medium");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{queue}:5:", result.Stderr);
        Assert.Contains("a -> b -> a", result.Stderr);
        await AssertNothingCreatedAsync(result);
    }

    [Fact]
    public async Task A_missing_bucket_is_refused_before_anything_is_created()
    {
        var result = await launch.LaunchAsync(launch.Queue(bucketLine: "\"result_s3_bucket\": \"no-such-bucket-here\","), "t3.medium");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("\"no-such-bucket-here\" does not exist", result.Stderr);
        await AssertNothingCreatedAsync(result);
    }

    [Fact]
    public async Task A_queue_without_a_bucket_is_refused_unless_bucket_is_given()
    {
        var queue = launch.Queue(bucketLine: "");

        var refused = await launch.LaunchAsync(queue, "t3.medium");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("no result_s3_bucket", refused.Stderr);
        await AssertNothingCreatedAsync(refused);

        var launched = await launch.LaunchAsync(queue, "t3.medium", "--bucket", LaunchWorkspace.Bucket, "--json");
        Assert.True(launched.ExitCode == 0, launched.ToString());
        Assert.Contains($"\"result_s3_bucket\": \"{LaunchWorkspace.Bucket}\"", await launch.ObjectAsync("queues/launch-q/agent/queue.json"));
    }

    [Fact]
    public async Task A_queue_without_an_id_gets_one_in_the_copy_it_uploads_and_in_the_tags()
    {
        var launched = await launch.LaunchAsync(launch.Queue(queueId: null), "t3.medium", "--json");
        Assert.True(launched.ExitCode == 0, launched.ToString());

        var queueId = JsonDocument.Parse(launched.Stdout).RootElement.GetProperty("queue_id").GetString()!;
        Assert.Matches("^queue-[0-9]{8}-[0-9]{6}$", queueId);
        var copy = JsonDocument.Parse(await launch.ObjectAsync($"queues/{queueId}/agent/queue.json")).RootElement;
        Assert.Equal(queueId, copy.GetProperty("queue_id").GetString());
        Assert.Equal("hello", copy.GetProperty("jobs")[0].GetProperty("job_id").GetString());
        Assert.Equal(queueId, LaunchWorkspace.Tags(await launch.InstanceAsync(LaunchWorkspace.InstanceIdFrom(launched)))["spawn:queue-id"]);
    }

    [Fact]
    public async Task A_missing_agent_build_for_the_architecture_is_named()
    {
        File.Delete(Path.Combine(launch.AgentDir, "linux-arm64", "spored"));

        var result = await launch.LaunchAsync(launch.Queue(), "t4g.micro");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no agent build for arm64", result.Stderr);
        Assert.Contains("scripts/publish-aot.sh linux-arm64", result.Stderr);
        await AssertNothingCreatedAsync(result);
    }

    [Fact]
    public async Task Without_an_instance_profile_the_launch_names_spawn_setup()
    {
        await moto.AwsCliAsync("iam", "delete-instance-profile", "--instance-profile-name", "spawn-queue");

        var result = await launch.LaunchAsync(launch.Queue(), "t3.medium");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("spawn setup", result.Stderr);
        await AssertNothingCreatedAsync(result);
    }

    [Theory]
    [InlineData("t3.nonexistent", null, "unknown instance type")]
    [InlineData("t3.medium", "ami-0123456789abcdef0", "no such image")]
    public async Task AWS_refusals_are_one_clear_line_and_exit_1(string instanceType, string? ami, string expected)
    {
        var result = await launch.LaunchAsync(launch.Queue(), instanceType, ami is null ? [] : ["--ami", ami]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        await AssertNothingCreatedAsync(result);
    }

    [Fact]
    public async Task No_credentials_is_one_clear_line_and_exit_1()
    {
        launch.Files.Environment["AWS_ACCESS_KEY_ID"] = "";
        launch.Files.Environment["AWS_SECRET_ACCESS_KEY"] = "";
        launch.Files.Environment["AWS_SHARED_CREDENTIALS_FILE"] = launch.Files.Path_("no-credentials");
        launch.Files.Environment["AWS_CONFIG_FILE"] = launch.Files.Path_("no-config");

        var result = await launch.LaunchAsync(launch.Queue(), "t3.medium");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no AWS credentials", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Dry_run_prints_the_request_and_user_data_and_creates_nothing()
    {
        var result = await launch.LaunchAsync(launch.Queue(), "t3.medium", "--spot", "--dry-run");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"InstanceType\": \"t3.medium\"", result.Stdout);
        Assert.Contains("\"MarketType\": \"spot\"", result.Stdout);
        Assert.Contains("#!/bin/bash", result.Stdout);
        await AssertNothingCreatedAsync(result);
    }

    [Fact]
    public async Task Keep_instance_leaves_out_the_power_off_and_the_dead_man_switch()
    {
        var launched = await launch.LaunchAsync(launch.Queue(), "t3.medium", "--keep-instance", "--json");
        Assert.True(launched.ExitCode == 0, launched.ToString());

        var userData = await launch.UserDataAsync(LaunchWorkspace.InstanceIdFrom(launched));
        Assert.Contains("deadline_minutes=0 ", userData);
        Assert.Contains("ExecStart=/usr/local/bin/spored run-queue /var/lib/spored/queue.json\n", userData);
    }

    [Fact]
    public async Task Status_and_cancel_find_the_queue_by_its_instance_id()
    {
        var launched = await launch.LaunchAsync(launch.Queue(), "t3.medium", "--json");
        Assert.True(launched.ExitCode == 0, launched.ToString());
        var id = LaunchWorkspace.InstanceIdFrom(launched);
        var booting = await launch.Files.SpawnAsync("queue", "status", id);
        Assert.True(booting.ExitCode == 0, booting.ToString());
        Assert.Contains("Status:      starting", booting.Stdout);
        Assert.Contains($"Instance:    {id}", booting.Stdout);

        var state = """
            {"queue_id": "launch-q", "queue_name": "launch-q", "status": "running", "started_at": "2026-12-01T14:00:00Z",
             "updated_at": "2026-12-01T14:01:00Z", "jobs": [{"job_id": "hello", "status": "running", "attempt": 1, "pid": 4242}]}
            """;
        var statePath = launch.Files.Path_("state.json");
        await File.WriteAllTextAsync(statePath, state);
        await moto.AwsCliAsync("s3", "cp", statePath, $"s3://{LaunchWorkspace.Bucket}/queues/launch-q/queue-state.json");

        var status = await launch.Files.SpawnAsync("queue", "status", id);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains($"Instance:    {id} (t3.medium, us-east-1)", status.Stdout);
        Assert.Contains("EC2 state:   running", status.Stdout);
        Assert.Matches(@"hello\s+running\s+1\s+-\s+no\s+\(PID: 4242\)", status.Stdout);
        var logs = await launch.Files.SpawnAsync("queue", "logs", id, "hello");
        Assert.True(logs.ExitCode == 0, logs.ToString());
        Assert.Contains("logs go up when a job finishes", logs.Stderr);

        var cancel = await launch.Files.SpawnAsync("queue", "cancel", "launch-q", "--wait", "0");
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.Contains("requested_at", await launch.ObjectAsync("queues/launch-q/control/cancel"));
        var after = (await launch.InstanceAsync(id)).GetProperty("State").GetProperty("Name").GetString();
        Assert.Contains(after, new[] { "shutting-down", "terminated" });
        Assert.Contains($"Terminated instance {id}", cancel.Stdout);
    }

    private async Task AssertNothingCreatedAsync(CliResult result)
    {
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.Equal(0, await launch.InstanceCountAsync());
        Assert.Empty(await launch.KeysAsync());
    }

    private static string RequestBody(JsonElement recorded)
    {
        var body = recorded.TryGetProperty("body", out var b) ? b.GetString() ?? "" : "";
        var decoded = recorded.TryGetProperty("body_encoded", out var e) && e.GetBoolean() ? Encoding.UTF8.GetString(Convert.FromBase64String(body)) : body;
        return Uri.UnescapeDataString(decoded.Replace('+', ' '));
    }
}
