using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spawn.Aws.Launch;

/// <summary>
/// The queue file as it goes to the instance: the user's file with the <c>queue_id</c> it was launched under (so
/// status and results find it) and the bucket given with <c>--bucket</c>, when the file lacks them. The caller
/// validates the result again, so the agent gets exactly what was checked here.
/// </summary>
public static class QueueCopy
{
    private static readonly JsonDocumentOptions Dialect = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The original bytes when nothing needs adding; else the file re-written with the fields set (comments dropped).</summary>
    public static byte[] With(byte[] original, string queueId, string bucket)
    {
        var root = JsonNode.Parse(original, documentOptions: Dialect)?.AsObject()
            ?? throw new FormatException("the queue file is not a JSON object");
        var changed = SetFirst(root, "queue_id", queueId);
        changed |= SetFirst(root, "result_s3_bucket", bucket);
        return changed ? JsonSerializer.SerializeToUtf8Bytes(root, QueueCopyJson.Default.JsonObject) : original;
    }

    private static bool SetFirst(JsonObject root, string field, string value)
    {
        if (root[field]?.GetValueKind() == JsonValueKind.String && (string?)root[field] == value)
        {
            return false;
        }

        root.Remove(field);
        root.Insert(0, field, value);
        return true;
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(JsonObject))]
internal sealed partial class QueueCopyJson : System.Text.Json.Serialization.JsonSerializerContext;
