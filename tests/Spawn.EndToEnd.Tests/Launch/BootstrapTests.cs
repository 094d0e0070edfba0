using System.Text.Json;
using System.Text.RegularExpressions;

namespace Spawn.EndToEnd.Tests.Launch;

/// <summary>
/// The user data that <c>spawn launch</c> gave EC2 (moto), taken back and run unmodified as root in a stand-in
/// instance (<see cref="InstanceSandbox"/>), then the unit it installed started as systemd would: the real Native AOT
/// agent runs the queue against moto with the instance role's credentials from the IMDS stub.
/// </summary>
public sealed partial class BootstrapTests
{
    private const string Bucket = "spawn-results-us-east-1";

    [Fact]
    public async Task The_user_data_installs_the_agent_which_runs_the_queue_reports_to_S3_and_powers_off_once()
    {
        await using var box = await InstanceSandbox.StartAsync(Bucket, "queues/boot-q");
        var (instanceId, user) = await LaunchAsync(box, "boot-q", """
            { "job_id": "make", "command": "mkdir -p out && head -c 300000 /dev/urandom > out/data.bin", "timeout": "2m",
              "result_paths": ["/var/lib/spored/work/out/data.bin"] },
            { "job_id": "check", "command": "sha256sum out/data.bin | tee out/sum.txt", "timeout": "2m", "depends_on": ["make"],
              "result_paths": ["/var/lib/spored/work/out/sum.txt"] }
            """);

        var bootstrap = await RunUserDataAsync(box, instanceId);
        Assert.True(bootstrap.ExitCode == 0, bootstrap.ToString());
        Assert.Equal(
            ["systemctl daemon-reload", "systemctl enable --now spored-deadline.timer", "systemctl daemon-reload", "systemctl enable spored.service", "systemctl start --no-block spored.service"],
            File.ReadAllLines(box.Recorded));
        var installed = await box.ShellAsync("sha256sum /usr/local/bin/spored /var/lib/spored/queue.json");
        Assert.Contains(AgentBuild.Sha256(), installed.Stdout);

        var agent = await StartUnitAsync(box);
        Assert.True(agent.ExitCode == 0, agent.ToString());

        var keys = (await box.RunAsync(["aws", "s3", "ls", "--recursive", $"s3://{Bucket}/queues/boot-q/"], user)).Stdout;
        foreach (var key in new[] { "queue-state.json", "jobs/make/stdout.log", "jobs/make/stderr.log", "jobs/make/data.bin", "jobs/check/sum.txt", "jobs/check/stdout.log" })
        {
            Assert.Contains($"queues/boot-q/{key}", keys);
        }

        var finalState = JsonDocument.Parse((await box.RunAsync(["aws", "s3", "cp", $"s3://{Bucket}/queues/boot-q/queue-state.json", "-"], user)).Stdout).RootElement;
        Assert.Equal("completed", finalState.GetProperty("status").GetString());
        Assert.Equal(instanceId, finalState.GetProperty("instance_id").GetString());
        Assert.Equal("us-east-1", finalState.GetProperty("region").GetString());

        var status = await box.RunAsync([Binaries.Spawn, "queue", "status", instanceId], user);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("Status:      completed", status.Stdout);
        Assert.Contains($"Instance:    {instanceId}", status.Stdout);

        var downloaded = Path.Combine(box.Directory_, "results");
        var results = await box.RunAsync([Binaries.Spawn, "queue", "results", "boot-q", "--output", downloaded], user);
        Assert.True(results.ExitCode == 0, results.ToString());
        var onInstance = await box.ShellAsync("cat /var/lib/spored/work/out/sum.txt");
        Assert.Equal(onInstance.Stdout, File.ReadAllText(Path.Combine(downloaded, "check", "sum.txt")));
        Assert.StartsWith(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(downloaded, "make", "data.bin")))), onInstance.Stdout);

        // One power-off, requested after the final state was in S3.
        Assert.Single(File.ReadAllLines(box.Recorded), line => line.Contains("poweroff", StringComparison.Ordinal));
        Assert.Equal(["completed"], File.ReadAllLines(box.RecordedStateAtPowerOff));
    }

    [Fact]
    public async Task The_dead_man_switch_is_armed_before_the_agent_starts_and_holds_when_it_hangs()
    {
        await using var box = await InstanceSandbox.StartAsync(Bucket, "queues/hang-q");
        var (instanceId, _) = await LaunchAsync(box, "hang-q", """
            { "job_id": "hang", "command": "sleep 600", "timeout": "30m" }
            """, globalTimeout: "2h");

        var bootstrap = await RunUserDataAsync(box, instanceId);
        Assert.True(bootstrap.ExitCode == 0, bootstrap.ToString());

        var timer = (await box.ShellAsync("cat /etc/systemd/system/spored-deadline.timer")).Stdout;
        var service = (await box.ShellAsync("cat /etc/systemd/system/spored-deadline.service")).Stdout;
        Assert.Contains("OnBootSec=135min", timer); // global_timeout 2h + 15 min
        Assert.Contains("ExecStart=/usr/bin/systemctl poweroff", service);
        Assert.Equal("systemctl enable --now spored-deadline.timer", File.ReadAllLines(box.Recorded)[1]);

        // The agent hangs in its job; the switch stays armed whatever it does, and the agent itself powers nothing off.
        using var agent = box.Start(["bash", "-c", UnitCommand((await box.ShellAsync("cat /etc/systemd/system/spored.service")).Stdout)], InstanceSandbox.InstanceEnvironment);
        await Poll.UntilAsync(async () => (await box.ShellAsync("cat /var/lib/spored/queue-state.json 2>/dev/null")).Stdout.Contains("\"running\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the hanging job is running");
        Assert.DoesNotContain(File.ReadAllLines(box.Recorded), line => line.Contains("poweroff", StringComparison.Ordinal));
        agent.Kill(entireProcessTree: true);
    }

    [Fact]
    public async Task Cancel_stops_the_running_job_saves_the_state_in_S3_and_terminates_the_instance()
    {
        await using var box = await InstanceSandbox.StartAsync(Bucket, "queues/cancel-q");
        var (instanceId, user) = await LaunchAsync(box, "cancel-q", """
            { "job_id": "long", "command": "sleep 900", "timeout": "30m" },
            { "job_id": "after", "command": "true", "timeout": "1m", "depends_on": ["long"] }
            """);
        Assert.Equal(0, (await RunUserDataAsync(box, instanceId)).ExitCode);
        using var agent = box.Start(["bash", "-c", UnitCommand((await box.ShellAsync("cat /etc/systemd/system/spored.service")).Stdout)], InstanceSandbox.InstanceEnvironment);
        var agentOutput = agent.StandardError.ReadToEndAsync();
        await Poll.UntilAsync(
            async () => (await box.RunAsync(["aws", "s3", "cp", $"s3://{Bucket}/queues/cancel-q/queue-state.json", "-"], user)).Stdout.Contains("\"pid\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60),
            "the mirrored state shows the long job running");

        var cancel = await box.RunAsync([Binaries.Spawn, "queue", "cancel", instanceId, "--wait", "60"], user);

        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.Contains("The queue stopped: failed (cancelled by spawn queue cancel", cancel.Stdout);
        Assert.Contains($"Terminated instance {instanceId}", cancel.Stdout);
        await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(agent.ExitCode == 1, await agentOutput);

        var final = JsonDocument.Parse((await box.RunAsync(["aws", "s3", "cp", $"s3://{Bucket}/queues/cancel-q/queue-state.json", "-"], user)).Stdout).RootElement;
        Assert.Equal("failed", final.GetProperty("status").GetString());
        Assert.StartsWith("cancelled by spawn queue cancel", final.GetProperty("error_message").GetString());
        var jobs = final.GetProperty("jobs").EnumerateArray().ToDictionary(j => j.GetProperty("job_id").GetString()!, j => j.GetProperty("status").GetString());
        Assert.Equal("failed", jobs["long"]);
        Assert.Equal("skipped", jobs["after"]);
        Assert.Equal(1, (await box.ShellAsync("pgrep -f 'sleep 900'")).ExitCode);
        var ec2State = await box.RunAsync(["aws", "ec2", "describe-instances", "--instance-ids", instanceId, "--query", "Reservations[0].Instances[0].State.Name", "--output", "text"], user);
        Assert.Contains(ec2State.Stdout.Trim(), new[] { "shutting-down", "terminated" });
        Assert.Equal(["failed"], File.ReadAllLines(box.RecordedStateAtPowerOff));
    }

    /// <summary>Launches the queue from inside the sandbox (as the user), keeps the user data EC2 got, and starts the IMDS stub.</summary>
    internal static async Task<(string InstanceId, Dictionary<string, string> User)> LaunchAsync(
        InstanceSandbox box, string queueId, string jobs, string globalTimeout = "10m", string[]? launchFlags = null, string[]? imdsExtra = null)
    {
        var user = new Dictionary<string, string>(InstanceSandbox.UserEnvironment)
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH")!,
            ["HOME"] = box.Directory_,
            ["XDG_STATE_HOME"] = Path.Combine(box.Directory_, "xdg"),
        };
        Assert.Equal(0, (await box.RunAsync(["aws", "s3api", "create-bucket", "--bucket", Bucket], user)).ExitCode);
        Assert.Equal(0, (await box.RunAsync(["aws", "iam", "create-instance-profile", "--instance-profile-name", "spawn-queue"], user)).ExitCode);
        var queue = Path.Combine(box.Directory_, "queue.json");
        await File.WriteAllTextAsync(queue, $$"""
            { "queue_id": "{{queueId}}", "result_s3_bucket": "{{Bucket}}", "global_timeout": "{{globalTimeout}}", "jobs": [ {{jobs}} ] }
            """);
        var launched = await box.RunAsync([Binaries.Spawn, "launch", "--batch-queue", queue, "--instance-type", "t3.medium", "--agent-dir", AgentBuild.Directory, "--json", .. launchFlags ?? []], user);
        Assert.True(launched.ExitCode == 0, launched.ToString());
        var instanceId = JsonDocument.Parse(launched.Stdout).RootElement.GetProperty("instance_id").GetString()!;
        await KeepUserDataAsync(box, instanceId, user);
        await box.StartImdsAsync(instanceId, "t3.medium", imdsExtra ?? []);
        return (instanceId, user);
    }

    /// <summary>The user data EC2 (moto) holds for the instance, as <c>user-data</c> in the sandbox's directory.</summary>
    internal static async Task KeepUserDataAsync(InstanceSandbox box, string instanceId, IReadOnlyDictionary<string, string> user)
    {
        var attribute = await box.RunAsync(["aws", "ec2", "describe-instance-attribute", "--instance-id", instanceId, "--attribute", "userData"], user);
        var userData = Convert.FromBase64String(JsonDocument.Parse(attribute.Stdout).RootElement.GetProperty("UserData").GetProperty("Value").GetString()!);
        await File.WriteAllBytesAsync(Path.Combine(box.Directory_, "user-data"), userData);
    }

    /// <summary>As cloud-init runs user data: as root, the script itself, with no AWS credentials in its environment.</summary>
    internal static Task<CliResult> RunUserDataAsync(InstanceSandbox box, string instanceId) =>
        box.RunAsync(["bash", Path.Combine(box.Directory_, "user-data")], InstanceSandbox.InstanceEnvironment);

    /// <summary>Starts the installed unit's ExecStartPre and ExecStart in its WorkingDirectory, as systemd would, and waits.</summary>
    internal static async Task<CliResult> StartUnitAsync(InstanceSandbox box)
    {
        var unit = (await box.ShellAsync("cat /etc/systemd/system/spored.service")).Stdout;
        return await box.RunAsync(["bash", "-c", UnitCommand(unit)], InstanceSandbox.InstanceEnvironment, TimeSpan.FromMinutes(3));
    }

    internal static string UnitCommand(string unit)
    {
        string Field(string name) => UnitField().Matches(unit).Single(m => m.Groups[1].Value == name).Groups[2].Value.Trim();
        return $"{Field("ExecStartPre")} && cd {Field("WorkingDirectory")} && exec {Field("ExecStart")}";
    }

    [GeneratedRegex(@"^(ExecStartPre|WorkingDirectory|ExecStart)=(.*)$", RegexOptions.Multiline)]
    private static partial Regex UnitField();
}
