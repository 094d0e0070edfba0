using Spawn.Tests.Shared;
using Spawn.Core.State;
using S3Server = Spawn.Tests.Shared.MotoServer;

namespace Spawn.EndToEnd.Tests;

/// <summary>
/// <c>spored run-queue --power-off</c>, the agent's ExecStart on an instance: once the queue has ended, and only
/// then, its final state is in S3 and <c>systemctl poweroff</c> is asked for, once. A recorder stands in for systemctl
/// and fetches the state from S3 with the AWS CLI at the moment it is called.
/// </summary>
public sealed class PowerOffTests(S3Server s3) : IClassFixture<S3Server>, IDisposable
{
    private readonly Workspace ws = S3Workspace.Create(s3);

    public void Dispose()
    {
        S3Workspace.Go(ws);
        ws.Dispose();
    }

    [Fact]
    public async Task A_completed_queue_powers_off_once_after_its_final_state_naming_the_instance_is_in_S3()
    {
        await using var imds = await ImdsStub.StartAsync("i-0123456789abcdef0", "eu-west-1", "c7i.large", "--life-cycle", "spot");
        foreach (var (key, value) in imds.ChildEnvironment)
        {
            ws.Environment[key] = value;
        }

        var (queue, stateUrl) = await WriteS3QueueAsync("done", $$"""{"job_id": "only", "timeout": "1m", "command": "{{S3Workspace.WaitForGo}}"}""");
        var recorder = new PowerOffRecorder(ws, stateUrl);
        await using var agent = BackgroundRun.Spored(ws, "run-queue", queue, "--state-file", ws.StateFile, "--log-dir", ws.LogDir, "--power-off");

        // The identity is not waited for; once the agent says it knows it, the job may end.
        await Poll.UntilAsync(() => agent.Stdout.Contains("on EC2 instance i-0123456789abcdef0 (c7i.large, spot) in eu-west-1", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the agent to learn its instance");
        S3Workspace.Go(ws);
        var run = await agent.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["poweroff"], recorder.Calls);
        var atPowerOff = recorder.StateAtCall(1);
        Assert.Equal(QueueStatus.Completed, atPowerOff.Status);
        Assert.Equal(new InstanceIdentity("i-0123456789abcdef0", "eu-west-1", "c7i.large"), atPowerOff.Instance);
        AssertSameState(ws.State(), atPowerOff);
        Assert.EndsWith($"queue ended (completed); final state in {stateUrl}; powering off", run.Stdout.TrimEnd());
    }

    [Fact]
    public async Task A_failed_queue_powers_off_once_after_its_final_state_is_in_S3()
    {
        var (queue, stateUrl) = await WriteS3QueueAsync("broken", """
            {"job_id": "bad", "timeout": "1m", "command": "echo broken >&2; exit 3"},
            {"job_id": "next", "timeout": "1m", "depends_on": ["bad"], "command": "true"}
            """);
        var recorder = new PowerOffRecorder(ws, stateUrl);

        var run = await SporedAsync(queue, "--power-off");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(["poweroff"], recorder.Calls);
        var atPowerOff = recorder.StateAtCall(1);
        Assert.Equal((QueueStatus.Failed, JobStatus.Failed, JobStatus.Skipped), (atPowerOff.Status, atPowerOff.Job("bad").Status, atPowerOff.Job("next").Status));
        AssertSameState(ws.State(), atPowerOff);
        Assert.Contains($"queue ended (failed); final state in {stateUrl}; powering off", run.Stdout);
    }

    [Fact]
    public async Task A_queue_stopped_by_its_global_timeout_powers_off_once_after_its_final_state_is_in_S3()
    {
        var marker = $"76543{Random.Shared.Next(1000, 9999)}";
        var (queue, stateUrl) = await WriteS3QueueAsync("expired", $$"""{"job_id": "slow", "timeout": "1h", "command": "sleep {{marker}}"}""",
            """ "global_timeout": "2s", "kill_grace": "2s", """);
        var recorder = new PowerOffRecorder(ws, stateUrl);

        var run = await SporedAsync(queue, "--power-off");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(["poweroff"], recorder.Calls);
        var atPowerOff = recorder.StateAtCall(1);
        Assert.Equal(QueueStatus.Failed, atPowerOff.Status);
        Assert.StartsWith("global_timeout 2s exceeded", atPowerOff.ErrorMessage);
        AssertSameState(ws.State(), atPowerOff);
        Assert.Empty(Posix.ProcessesWith($"sleep {marker}"));
    }

    [Fact]
    public async Task SIGTERM_stops_the_agent_without_powering_off_and_leaves_the_queue_to_resume()
    {
        var (queue, stateUrl) = await WriteS3QueueAsync("stopped", $$"""{"job_id": "wait", "timeout": "1m", "command": "touch started; {{S3Workspace.WaitForGo}}"}""",
            """ "kill_grace": "2s", """);
        var recorder = new PowerOffRecorder(ws, stateUrl);
        await using var agent = BackgroundRun.Spored(ws, "run-queue", queue, "--state-file", ws.StateFile, "--log-dir", ws.LogDir, "--power-off");
        await Poll.UntilAsync(() => File.Exists(Path.Combine(ws.Work, "started")), TimeSpan.FromSeconds(30), "the job to start");

        Posix.kill(agent.Pid, Posix.SIGTERM);
        var run = await agent.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(run.ExitCode == 143, run.ToString());
        Assert.Empty(recorder.Calls);
        Assert.DoesNotContain("powering off", run.Stdout);
        Assert.Equal((QueueStatus.Running, JobStatus.Pending), (ws.State().Status, ws.State().Job("wait").Status));
    }

    [Fact]
    public async Task SIGTERM_before_the_queue_has_started_is_143_not_a_crash_and_does_not_power_off()
    {
        // An S3 endpoint that takes the connection and never answers holds the agent in its bucket check.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var accepted = silent.AcceptTcpClientAsync();
        ws.Environment["AWS_ENDPOINT_URL"] = $"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}";
        var (queue, _) = await WriteS3QueueAsync("early", """{"job_id": "a", "timeout": "1m", "command": "touch ran"}""");
        var recorder = new PowerOffRecorder(ws);
        await using var agent = BackgroundRun.Spored(ws, "run-queue", queue, "--state-file", ws.StateFile, "--log-dir", ws.LogDir, "--power-off");
        using var connection = await accepted.WaitAsync(TimeSpan.FromSeconds(30));

        Posix.kill(agent.Pid, Posix.SIGTERM);
        var run = await agent.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(run.ExitCode == 143, run.ToString());
        Assert.Empty(recorder.Calls);
        Assert.False(File.Exists(Path.Combine(ws.Work, "ran")));
    }

    [Fact]
    public async Task A_state_that_cannot_be_used_is_exit_2_and_powers_off_once()
    {
        var queue = ws.WriteQueue("""{"queue_id": "mine", "jobs": [{"job_id": "a", "timeout": "1m", "command": "touch ran"}]}""");
        Directory.CreateDirectory(Path.GetDirectoryName(ws.StateFile)!);
        File.WriteAllText(ws.StateFile, "{ this is not a state file");
        var recorder = new PowerOffRecorder(ws);

        var run = await SporedAsync(queue, "--power-off", "--results-dir", ws.ResultsDir);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal(["poweroff"], recorder.Calls);
        Assert.Contains("queue not run (exit 2", run.Stdout);
        Assert.False(File.Exists(Path.Combine(ws.Work, "ran")));
    }

    [Fact]
    public async Task A_power_off_that_fails_is_one_line_on_stderr_and_keeps_the_exit_code()
    {
        var queue = ws.WriteQueue("""{"queue_id": "nopower", "jobs": [{"job_id": "a", "timeout": "1m", "command": "true"}]}""");
        var recorder = new PowerOffRecorder(ws, exitCode: 1);

        var run = await SporedAsync(queue, "--power-off", "--results-dir", ws.ResultsDir);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["poweroff"], recorder.Calls);
        Assert.Equal(["spored: error: systemctl poweroff failed (exit status 1); the machine stays on"], run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Without_the_flag_the_agent_never_powers_off()
    {
        var queue = ws.WriteQueue("""{"queue_id": "keep", "jobs": [{"job_id": "a", "timeout": "1m", "command": "true"}]}""");
        var recorder = new PowerOffRecorder(ws);

        var run = await SporedAsync(queue, "--results-dir", ws.ResultsDir);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(recorder.Calls);
    }

    private Task<CliResult> SporedAsync(string queue, params string[] extra) =>
        ws.RunAsync(Binaries.Spored, ["run-queue", queue, "--state-file", ws.StateFile, "--log-dir", ws.LogDir, .. extra]);

    /// <summary>A queue with its results (and state) in a fresh bucket; returns its file and its state's S3 URL.</summary>
    private async Task<(string Queue, string StateUrl)> WriteS3QueueAsync(string stem, string jobs, string extraFields = "")
    {
        var bucket = await s3.CreateBucketAsync();
        var queueId = S3Workspace.UniqueId(stem);
        var queue = ws.WriteQueue($$"""{"queue_id": "{{queueId}}", "result_s3_bucket": "{{bucket}}", {{extraFields}} "jobs": [{{jobs}}]}""");
        return (queue, $"s3://{bucket}/queues/{queueId}/queue-state.json");
    }

    private static void AssertSameState(QueueState expected, QueueState actual) =>
        Assert.Equal(System.Text.Encoding.UTF8.GetString(QueueStateJson.Serialize(expected)), System.Text.Encoding.UTF8.GetString(QueueStateJson.Serialize(actual)));
}
