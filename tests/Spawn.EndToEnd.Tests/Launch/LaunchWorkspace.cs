using System.Security.Cryptography;
using System.Text.Json;
using Spawn.Tests.Shared;

namespace Spawn.EndToEnd.Tests.Launch;

/// <summary>
/// An account in moto ready for a first launch (the bucket and the <c>spawn-queue</c> instance profile that
/// <c>spawn setup</c> makes), stand-in agent builds per architecture, and the <c>spawn</c> binary pointed at moto.
/// </summary>
internal sealed class LaunchWorkspace : IDisposable
{
    public const string Bucket = "spawn-results-us-east-1";

    public LaunchWorkspace(MotoServer moto)
    {
        Moto = moto;
        Files = MotoWorkspace.Create(moto);

        foreach (var rid in new[] { "linux-x64", "linux-arm64" })
        {
            Directory.CreateDirectory(Path.Combine(AgentDir, rid));
            File.WriteAllText(Path.Combine(AgentDir, rid, "spored"), $"#!/bin/sh\n# stand-in agent build for {rid}\n");
        }
    }

    public MotoServer Moto { get; }

    public Workspace Files { get; }

    public string AgentDir => Files.Path_("agents");

    public string AgentSha256(string rid) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(AgentDir, rid, "spored"))));

    /// <summary>Empties moto, then makes what <c>spawn setup</c> would: the bucket and the default instance profile.</summary>
    public async Task PrepareAccountAsync()
    {
        await Moto.ResetAsync();
        await Moto.AwsCliAsync("s3api", "create-bucket", "--bucket", Bucket);
        await Moto.AwsCliAsync("iam", "create-instance-profile", "--instance-profile-name", "spawn-queue");
    }

    public string Queue(string? queueId = "launch-q", string bucketLine = $"\"result_s3_bucket\": \"{Bucket}\",", string globalTimeout = "\"global_timeout\": \"1h\",") =>
        Files.WriteQueue($$"""
        {
          {{(queueId is null ? "" : $"\"queue_id\": \"{queueId}\",")}}
          {{bucketLine}}
          {{globalTimeout}}
          "jobs": [
            { "job_id": "hello", "command": "echo hello > out.txt", "timeout": "5m", "result_paths": ["out.txt"] }
          ]
        }
        """);

    public Task<CliResult> LaunchAsync(string queueFile, string instanceType, params string[] extra) =>
        Files.SpawnAsync(["launch", "--batch-queue", queueFile, "--instance-type", instanceType, "--agent-dir", AgentDir, .. extra]);

    public async Task<JsonElement> InstanceAsync(string instanceId)
    {
        var json = await Moto.AwsCliAsync("ec2", "describe-instances", "--instance-ids", instanceId);
        return JsonDocument.Parse(json).RootElement.GetProperty("Reservations")[0].GetProperty("Instances")[0].Clone();
    }

    public async Task<int> InstanceCountAsync()
    {
        var json = await Moto.AwsCliAsync("ec2", "describe-instances");
        return JsonDocument.Parse(json).RootElement.GetProperty("Reservations").EnumerateArray().Sum(r => r.GetProperty("Instances").GetArrayLength());
    }

    public async Task<string> UserDataAsync(string instanceId)
    {
        var json = await Moto.AwsCliAsync("ec2", "describe-instance-attribute", "--instance-id", instanceId, "--attribute", "userData");
        var base64 = JsonDocument.Parse(json).RootElement.GetProperty("UserData").GetProperty("Value").GetString()!;
        return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64));
    }

    public async Task<List<string>> KeysAsync(string bucket = Bucket)
    {
        var json = await Moto.AwsCliAsync("s3api", "list-objects-v2", "--bucket", bucket);
        return json.Trim().Length == 0 || !JsonDocument.Parse(json).RootElement.TryGetProperty("Contents", out var contents)
            ? []
            : contents.EnumerateArray().Select(o => o.GetProperty("Key").GetString()!).ToList();
    }

    public async Task<string> ObjectAsync(string key)
    {
        var path = Files.Path_($"download-{Guid.NewGuid():N}");
        await Moto.AwsCliAsync("s3", "cp", $"s3://{Bucket}/{key}", path);
        return File.ReadAllText(path);
    }

    public static Dictionary<string, string> Tags(JsonElement resource) =>
        resource.GetProperty("Tags").EnumerateArray().ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString()!);

    public static string InstanceIdFrom(CliResult launched) =>
        JsonDocument.Parse(launched.Stdout).RootElement.GetProperty("instance_id").GetString()!;

    public void Dispose() => Files.Dispose();
}
