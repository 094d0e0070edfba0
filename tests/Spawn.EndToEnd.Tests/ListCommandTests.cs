using Spawn.Tests.Shared;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spawn.Core.State;

namespace Spawn.EndToEnd.Tests;

/// <summary>
/// <c>spawn queue list</c> against moto: instances started with the AWS CLI and tagged as <c>spawn launch</c> tags
/// them, states mirrored to S3 with the CLI, and local records as this machine keeps them.
/// </summary>
public sealed class ListCommandTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private const string Bucket = "spawn-results-us-east-1";
    private const string GoneInstance = "i-0123456789abcdef0";

    private readonly Workspace ws = MotoWorkspace.Create(moto);

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        Assert.Equal(0, (await moto.TryAwsCliAsync("s3api", "create-bucket", "--bucket", Bucket)).ExitCode);
    }

    public Task DisposeAsync()
    {
        ws.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task List_shows_a_tagged_instance_with_its_mirrored_state_and_a_local_record_whose_instance_ec2_no_longer_lists()
    {
        var instance = await LaunchAsync("q-ec2", Bucket, "queues/q-ec2");
        await MirrorAsync(Bucket, "queues/q-ec2", "q-ec2", completed: 3, total: 5);
        Remember("q-ec2", instance, DateTimeOffset.UtcNow);
        Remember("q-gone", GoneInstance, DateTimeOffset.UtcNow.AddDays(-2));
        RememberLocalRun("q-here");

        var list = await ws.SpawnAsync("queue", "list");

        Assert.True(list.ExitCode == 0, list.ToString());
        var lines = list.Stdout.TrimEnd().Split('\n');
        Assert.Equal(["QUEUE", "ID", "INSTANCE", "INSTANCE", "STATE", "QUEUE", "STATUS", "STARTED", "JOBS"], Cells(lines[0]));
        Assert.Equal(3, lines.Length);
        Assert.Equal(["q-ec2", instance, await Ec2StateAsync(instance), "running", "2024-05-06", "07:08:09Z", "3/5"], Cells(lines[1]));
        var gone = Cells(lines[2]);
        Assert.Equal(["q-gone", GoneInstance, "unknown", "-"], gone[..4]);
        Assert.Equal("-", gone[^1]);
        Assert.DoesNotContain("q-here", list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_json_is_an_array_with_the_tables_fields_in_snake_case_newest_first()
    {
        var instance = await LaunchAsync("q-ec2", Bucket, "queues/q-ec2");
        await MirrorAsync(Bucket, "queues/q-ec2", "q-ec2", completed: 3, total: 5);
        Remember("q-gone", GoneInstance, DateTimeOffset.UtcNow.AddDays(-2));

        var list = await ws.SpawnAsync("queue", "list", "--json");

        Assert.True(list.ExitCode == 0, list.ToString());
        var rows = JsonNode.Parse(list.Stdout)!.AsArray();
        Assert.Equal(["q-ec2", "q-gone"], rows.Select(r => r!["queue_id"]!.GetValue<string>()));
        var running = rows[0]!;
        Assert.Equal(instance, running["instance_id"]!.GetValue<string>());
        Assert.Equal(await Ec2StateAsync(instance), running["instance_state"]!.GetValue<string>());
        Assert.Equal("running", running["queue_status"]!.GetValue<string>());
        Assert.Equal("2024-05-06T07:08:09.000Z", running["started_at"]!.GetValue<string>());
        Assert.Equal((3, 5), (running["jobs_done"]!.GetValue<int>(), running["jobs_total"]!.GetValue<int>()));
        Assert.Equal($"s3://{Bucket}/queues/q-ec2", running["results"]!.GetValue<string>());
        var gone = rows[1]!;
        Assert.Equal("unknown", gone["instance_state"]!.GetValue<string>());
        Assert.Null(gone["queue_status"]);
        Assert.Null(gone["jobs_total"]);
        Assert.Null(gone["problem"]);
    }

    [Fact]
    public async Task A_state_that_cannot_be_read_is_a_question_mark_with_the_reason_under_the_table_and_not_a_failure()
    {
        var lost = await LaunchAsync("q-lost", "no-such-bucket-here", "queues/q-lost");
        var fine = await LaunchAsync("q-fine", Bucket, "queues/q-fine");
        await MirrorAsync(Bucket, "queues/q-fine", "q-fine", completed: 2, total: 2, QueueStatus.Completed);

        var list = await ws.SpawnAsync("queue", "list");

        Assert.True(list.ExitCode == 0, list.ToString());
        var lines = list.Stdout.TrimEnd().Split('\n');
        Assert.Equal(["?", "?"], Row(lines, "q-lost")[3..4].Append(Row(lines, "q-lost")[^1]));
        Assert.Equal(["completed", "2/2"], Row(lines, "q-fine")[3..4].Append(Row(lines, "q-fine")[^1]));
        var footnote = Assert.Single(lines, l => l.StartsWith("? ", StringComparison.Ordinal));
        Assert.StartsWith($"? q-lost ({lost}): s3://no-such-bucket-here/queues/q-lost/queue-state.json: the bucket does not exist", footnote, StringComparison.Ordinal);
        Assert.Contains(fine, list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_that_get_no_answer_end_at_the_lists_deadline_as_question_marks()
    {
        var instance = await LaunchAsync("q-slow", Bucket, "queues/q-slow");
        // S3 that accepts connections and never answers; EC2 is still moto.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        ws.Environment["AWS_ENDPOINT_URL_S3"] = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        var started = DateTime.UtcNow;

        var list = await ws.SpawnAsync("queue", "list");

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), $"took {DateTime.UtcNow - started}");
        Assert.Equal("?", Row(list.Stdout.Split('\n'), "q-slow")[3]);
        Assert.Contains($"? q-slow ({instance}): s3://{Bucket}/queues/q-slow/queue-state.json: no answer within 8 s", list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_credentials_the_local_records_are_listed_then_one_line_and_exit_1()
    {
        Remember("q-gone", GoneInstance, DateTimeOffset.UtcNow.AddDays(-2));
        ws.Environment["AWS_ACCESS_KEY_ID"] = "";
        ws.Environment["AWS_SECRET_ACCESS_KEY"] = "";

        var list = await ws.SpawnAsync("queue", "list");

        Assert.True(list.ExitCode == 1, list.ToString());
        Assert.Equal(["q-gone", GoneInstance, "?", "?"], Row(list.Stdout.Split('\n'), "q-gone")[..4]);
        var error = Assert.Single(list.Stderr.TrimEnd().Split('\n'));
        Assert.Equal("error: cannot list the instances in us-east-1: no AWS credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an instance role)", error);
    }

    [Fact]
    public async Task A_mistyped_region_is_one_line_and_exit_2()
    {
        var list = await ws.SpawnAsync("queue", "list", "--region", "us-east");

        Assert.True(list.ExitCode == 2, list.ToString());
        Assert.Equal("", list.Stdout);
        Assert.Single(list.Stderr.TrimEnd().Split('\n'));
    }

    /// <summary>Starts an instance tagged as spawn launch tags one, from the AMI spawn launch would use.</summary>
    private async Task<string> LaunchAsync(string queueId, string bucket, string prefix)
    {
        var ami = await moto.TryAwsCliAsync("ssm", "get-parameter", "--name", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
            "--query", "Parameter.Value", "--output", "text");
        Assert.True(ami.Succeeded, ami.Stderr);
        var tags = $"ResourceType=instance,Tags=[{{Key=Name,Value=spawn-{queueId}}},{{Key=spawn:queue-id,Value={queueId}}},{{Key=spawn:results,Value=s3://{bucket}/{prefix}}}]";
        var run = await moto.TryAwsCliAsync("ec2", "run-instances", "--image-id", ami.Stdout.Trim(), "--instance-type", "t3.micro",
            "--tag-specifications", tags, "--query", "Instances[0].InstanceId", "--output", "text");
        Assert.True(run.Succeeded, run.Stderr);
        return run.Stdout.Trim();
    }

    private async Task<string> Ec2StateAsync(string instanceId)
    {
        var described = await moto.TryAwsCliAsync("ec2", "describe-instances", "--instance-ids", instanceId, "--query", "Reservations[0].Instances[0].State.Name", "--output", "text");
        Assert.True(described.Succeeded, described.Stderr);
        return described.Stdout.Trim();
    }

    /// <summary>Puts a state in S3 as the agent mirrors it, with the CLI: <paramref name="completed"/> of <paramref name="total"/> jobs done.</summary>
    private async Task MirrorAsync(string bucket, string prefix, string queueId, int completed, int total, QueueStatus status = QueueStatus.Running)
    {
        var started = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var jobs = Enumerable.Range(0, total)
            .Select(i => i < completed ? new JobState($"job{i}", JobStatus.Completed, 1, started, started.AddMinutes(1), 0) : i == completed ? new JobState($"job{i}", JobStatus.Running, 1, started) : JobState.NotStarted($"job{i}"))
            .ToList();
        var file = ws.Path_($"{queueId}-state.json");
        await File.WriteAllBytesAsync(file, QueueStateJson.Serialize(new QueueState(queueId, queueId, status, started, started.AddMinutes(5), jobs)));
        var copy = await moto.TryAwsCliAsync("s3", "cp", file, $"s3://{bucket}/{prefix}/queue-state.json");
        Assert.True(copy.Succeeded, copy.Stderr);
    }

    /// <summary>What spawn launch leaves on this machine: LocalQueueRecord's file.</summary>
    private void Remember(string queueId, string instanceId, DateTimeOffset launchedAt) => WriteRecord(queueId, new JsonObject
    {
        ["queue_id"] = queueId,
        ["state_file"] = ws.Path_("unused-state.json"),
        ["log_dir"] = ws.Path_("unused-logs"),
        ["result_s3_bucket"] = Bucket,
        ["result_prefix"] = $"queues/{queueId}",
        ["region"] = "us-east-1",
        ["instance_id"] = instanceId,
        ["instance_type"] = "t3.micro",
        ["launched_at"] = launchedAt.ToString("O"),
    });

    /// <summary>What spawn queue run leaves: a record with no instance.</summary>
    private void RememberLocalRun(string queueId) => WriteRecord(queueId, new JsonObject
    {
        ["queue_id"] = queueId,
        ["state_file"] = ws.Path_("here-state.json"),
        ["log_dir"] = ws.Path_("here-logs"),
        ["result_prefix"] = $"queues/{queueId}",
        ["region"] = null,
    });

    private void WriteRecord(string queueId, JsonObject record)
    {
        var directory = ws.Path_(Path.Combine("xdg-state", "spawn", "queues", queueId));
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "queue.json"), record.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static string[] Row(IEnumerable<string> lines, string queueId) =>
        Cells(Assert.Single(lines, l => l.StartsWith(queueId + " ", StringComparison.Ordinal)));

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
