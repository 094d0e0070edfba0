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
    [property: JsonPropertyName("region")] string? Region)
{
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
