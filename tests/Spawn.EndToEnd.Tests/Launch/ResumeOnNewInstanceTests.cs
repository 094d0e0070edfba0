using System.Text.Json;
using Spawn.Core.State;

namespace Spawn.EndToEnd.Tests.Launch;

/// <summary>
/// A spot queue interrupted on one stand-in instance and resumed on a second, empty one by <c>spawn queue resume</c>:
/// the second runs the bootstrap the resume launched with, restores the completed jobs' result files to their paths,
/// and runs only the unfinished jobs. Every job leaves a marker file among its results each time it completes, so S3
/// shows how often each one completed.
/// </summary>
public sealed class ResumeOnNewInstanceTests
{
    private const string Bucket = "spawn-results-us-east-1";
    private const string Work = "/var/lib/spored/work";

    // long holds while a file `hold` is in the working directory: on the first instance only.
    private const string Jobs = $$"""
        { "job_id": "make", "timeout": "2m",
          "command": "mkdir -p out runs && head -c 3000 /dev/urandom | base64 > out/data.txt && touch runs/make.$(date +%s%N)",
          "result_paths": ["{{Work}}/out/data.txt", "{{Work}}/runs/make.*"] },
        { "job_id": "long", "timeout": "10m", "depends_on": ["make"],
          "command": "if [ -e hold ]; then sleep 600; fi; sha256sum out/data.txt > out/sum.txt && touch runs/long.$(date +%s%N)",
          "result_paths": ["{{Work}}/out/sum.txt", "{{Work}}/runs/long.*"] },
        { "job_id": "last", "timeout": "2m", "depends_on": ["long"],
          "command": "cp out/sum.txt out/final.txt && touch runs/last.$(date +%s%N)",
          "result_paths": ["{{Work}}/out/final.txt", "{{Work}}/runs/last.*"] }
        """;

    [Fact]
    public async Task Spawn_queue_resume_on_an_empty_instance_restores_completed_results_and_runs_only_the_unfinished_jobs_once()
    {
        await using var first = await InstanceSandbox.StartAsync(Bucket, "queues/resume-q");
        var action = Path.Combine(first.Directory_, "instance-action.json");
        var (firstId, user) = await BootstrapTests.LaunchAsync(first, "resume-q", Jobs, launchFlags: ["--spot"], imdsExtra: ["--life-cycle", "spot", "--spot-action-file", action]);
        Assert.Equal(0, (await BootstrapTests.RunUserDataAsync(first, firstId)).ExitCode);
        await first.ShellAsync($"touch {Work}/hold");
        using var firstAgent = first.Start(["bash", "-c", BootstrapTests.UnitCommand((await first.ShellAsync("cat /etc/systemd/system/spored.service")).Stdout)], InstanceSandbox.InstanceEnvironment);
        await Poll.UntilAsync(async () => JobOf(await StateAsync(first, user), "long") is { } long_ && long_.GetProperty("status").GetString() == "running" && long_.TryGetProperty("pid", out _),
            TimeSpan.FromSeconds(90), "the mirrored state to show long running");

        // EC2 will terminate the first instance: the agent stops long, stores its state, and the instance goes.
        await File.WriteAllTextAsync(action, $$"""{"action": "terminate", "time": "{{QueueStateJson.FormatTime(DateTimeOffset.UtcNow.AddMinutes(2))}}"}""");
        await Poll.UntilAsync(async () => (await StateAsync(first, user)).GetProperty("status").GetString() == "interrupted", TimeSpan.FromSeconds(60), "S3 to say interrupted");
        var interrupted = await StateAsync(first, user);
        Assert.Contains("run `spawn queue resume` to go on on a new instance", interrupted.GetProperty("error_message").GetString());
        firstAgent.Kill(entireProcessTree: true);
        Assert.Equal(0, (await first.RunAsync(["aws", "ec2", "terminate-instances", "--instance-ids", firstId], user)).ExitCode);
        first.StopImds();
        var madeFirst = (await first.ShellAsync($"sha256sum < {Work}/out/data.txt")).Stdout;

        var resumed = await first.RunAsync([Binaries.Spawn, "queue", "resume", "resume-q", "--agent-dir", AgentBuild.Directory, "--json"], user);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("Resuming queue resume-q (interrupted, 1 of 3 jobs completed) on a new spot t3.medium", resumed.Stderr);
        var secondId = JsonDocument.Parse(resumed.Stdout).RootElement.GetProperty("instance_id").GetString()!;
        Assert.NotEqual(firstId, secondId);

        // A second instance: nothing of the first one's disk, the same account (moto) on the same network.
        await using var second = await InstanceSandbox.StartAsync(Bucket, "queues/resume-q", network: first);
        await BootstrapTests.KeepUserDataAsync(second, secondId, user);
        await second.StartImdsAsync(secondId, "t3.medium", "--life-cycle", "spot", "--spot-action-file", Path.Combine(second.Directory_, "instance-action.json"));
        Assert.Equal(1, (await second.ShellAsync($"test -e {Work}/out/data.txt")).ExitCode);
        var bootstrap = await BootstrapTests.RunUserDataAsync(second, secondId);
        Assert.True(bootstrap.ExitCode == 0, bootstrap.ToString());
        Assert.Contains("--resume-from-s3 ", (await second.ShellAsync("cat /etc/systemd/system/spored.service")).Stdout);

        var run = await BootstrapTests.StartUnitAsync(second);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("1 of 3 jobs completed, 2 result files restored to their paths", run.Stderr);
        Assert.Equal(madeFirst, (await second.ShellAsync($"sha256sum < {Work}/out/data.txt")).Stdout);
        Assert.Equal("", (await second.ShellAsync("ls /var/log/spored/jobs | grep '^make-' || true")).Stdout); // make did not run here
        var final = await StateAsync(second, user);
        Assert.Equal("completed", final.GetProperty("status").GetString());
        Assert.Equal(secondId, final.GetProperty("instance_id").GetString());
        var keys = (await second.RunAsync(["aws", "s3", "ls", "--recursive", $"s3://{Bucket}/queues/resume-q/jobs/"], user)).Stdout;
        foreach (var job in new[] { "make", "long", "last" })
        {
            Assert.Single(keys.Split('\n'), line => line.Contains($"/jobs/{job}/{job}.", StringComparison.Ordinal));
            Assert.Equal(1, JobOf(final, job)!.Value.GetProperty("attempt").GetInt32());
        }
    }

    private static async Task<JsonElement> StateAsync(InstanceSandbox box, IReadOnlyDictionary<string, string> user)
    {
        var text = (await box.RunAsync(["aws", "s3", "cp", $"s3://{Bucket}/queues/resume-q/queue-state.json", "-"], user)).Stdout;
        return text.Length == 0 ? JsonDocument.Parse("""{"status": "none", "jobs": []}""").RootElement : JsonDocument.Parse(text).RootElement;
    }

    private static JsonElement? JobOf(JsonElement state, string jobId) =>
        state.GetProperty("jobs").EnumerateArray().Where(j => j.GetProperty("job_id").GetString() == jobId).Select(j => (JsonElement?)j).FirstOrDefault();
}
