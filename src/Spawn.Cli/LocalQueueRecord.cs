using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spawn.Cli;

/// <summary>
/// What this machine remembers of a queue it ran or launched, so later commands can find it by id:
/// <c>$XDG_STATE_HOME/spawn/queues/{queue_id}/queue.json</c> (default <c>~/.local/state</c>).
/// </summary>
internal sealed record LocalQueueRecord(
    [property: JsonPropertyName("queue_id")] string QueueId,
    [property: JsonPropertyName("state_file")] string StateFile,
    [property: JsonPropertyName("log_dir")] string LogDir,
    [property: JsonPropertyName("results_dir")] string? ResultsDir,
    [property: JsonPropertyName("result_s3_bucket")] string? ResultS3Bucket,
    [property: JsonPropertyName("result_prefix")] string ResultPrefix,
    [property: JsonPropertyName("region")] string? Region,
    [property: JsonPropertyName("instance_id")] string? InstanceId = null,
    [property: JsonPropertyName("instance_type")] string? InstanceType = null,
    [property: JsonPropertyName("launched_at")] DateTimeOffset? LaunchedAt = null,
    [property: JsonPropertyName("queue_file")] string? QueueFile = null)
{
    /// <summary>True for a queue sent to EC2 by <c>spawn launch</c> (its state and results live in S3).</summary>
    [JsonIgnore]
    public bool Launched => InstanceId is not null;

    public static string StateRoot
    {
        get
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
            var root = string.IsNullOrEmpty(xdg)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state")
                : xdg;
            return Path.Combine(root, "spawn", "queues");
        }
    }

    /// <summary>The folder that holds a local run's state, logs and (without a bucket) results.</summary>
    public static string DirectoryFor(string queueId) => Path.Combine(StateRoot, queueId);

    public static LocalQueueRecord? TryRead(string queueId)
    {
        var path = Path.Combine(DirectoryFor(queueId), "queue.json");
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), LocalQueueRecordJson.Default.LocalQueueRecord) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Every record on this machine, unreadable ones left out.</summary>
    public static IEnumerable<LocalQueueRecord> ReadAll()
    {
        if (!Directory.Exists(StateRoot))
        {
            yield break;
        }

        foreach (var directory in Directory.EnumerateDirectories(StateRoot))
        {
            if (TryRead(Path.GetFileName(directory)) is { } record)
            {
                yield return record;
            }
        }
    }

    /// <summary>The record of the queue launched on <paramref name="instanceId"/>, if this machine launched it.</summary>
    public static LocalQueueRecord? FindByInstance(string instanceId) =>
        ReadAll().FirstOrDefault(r => string.Equals(r.InstanceId, instanceId, StringComparison.Ordinal));

    public void Write()
    {
        var directory = DirectoryFor(QueueId);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "queue.json");
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(this, LocalQueueRecordJson.Default.LocalQueueRecord));
        File.Move(temp, path, overwrite: true);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LocalQueueRecord))]
internal sealed partial class LocalQueueRecordJson : JsonSerializerContext;
