using System.Text.Encodings.Web;
using System.Text.Json;
using Spawn.Cli.Listing;
using Spawn.Core.State;

namespace Spawn.Cli.Rendering;

/// <summary>
/// <c>spawn queue list --json</c>: an array, newest first, of the table's fields in snake_case, with null for
/// "nothing yet" and "could not be learnt" (then <c>problem</c> says why), plus where the queue lives.
/// Written with Utf8JsonWriter: no reflection, so it stays trimmable.
/// </summary>
internal static class QueueListJson
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Render(IReadOnlyList<QueueListRow> rows)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartArray();
            foreach (var row in rows)
            {
                writer.WriteStartObject();
                writer.WriteString("queue_id", row.Queue.QueueId);
                writer.WriteString("instance_id", row.Queue.InstanceId);
                WriteOrNull(writer, "instance_state", row.Queue.InstanceState);
                WriteOrNull(writer, "queue_status", row.QueueStatus);
                WriteOrNull(writer, "started_at", row.StartedAt is { } started ? QueueStateJson.FormatTime(started) : null);
                WriteOrNull(writer, "jobs_done", row.JobsDone);
                WriteOrNull(writer, "jobs_total", row.JobsTotal);
                WriteOrNull(writer, "launched_at", row.Queue.LaunchedAt is { } launched ? QueueStateJson.FormatTime(launched) : null);
                writer.WriteString("region", row.Queue.Region);
                WriteOrNull(writer, "results", row.Queue.ResultsUrl);
                WriteOrNull(writer, "problem", row.Mirror.Problem);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) + Environment.NewLine;
    }

    private static void WriteOrNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteOrNull(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
