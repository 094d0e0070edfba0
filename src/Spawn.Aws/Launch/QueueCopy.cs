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
    /// <param name="maxParallel"><c>spawn launch --parallel</c>: a number or "auto", written as the queue's max_parallel.</param>
    public static byte[] With(byte[] original, string queueId, string bucket, string? maxParallel = null)
    {
        var root = JsonNode.Parse(original, documentOptions: Dialect)?.AsObject()
            ?? throw new FormatException("the queue file is not a JSON object");
        var changed = SetFirst(root, "queue_id", JsonValue.Create(queueId));
        changed |= SetFirst(root, "result_s3_bucket", JsonValue.Create(bucket));
        if (maxParallel is not null)
        {
            // A number stays a number: the parser refuses "4" in quotes.
            changed |= SetFirst(root, "max_parallel", int.TryParse(maxParallel, out var count) ? JsonValue.Create(count) : JsonValue.Create(maxParallel));
        }

        return changed ? JsonSerializer.SerializeToUtf8Bytes(root, QueueCopyJson.Default.JsonObject) : original;
    }

    private static bool SetFirst(JsonObject root, string field, JsonValue value)
    {
        if (root[field] is JsonValue present && JsonNode.DeepEquals(present, value))
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
