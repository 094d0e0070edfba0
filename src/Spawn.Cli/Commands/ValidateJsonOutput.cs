using System.Text.Encodings.Web;
using System.Text.Json;
using Spawn.Core.Parsing;

namespace Spawn.Cli.Commands;

/// <summary>
/// <c>validate --json</c>: <c>{"valid", "queue_id", "order", "errors": [{"line", "column", "path", "message"}], "defaults"}</c>.
/// Written with Utf8JsonWriter: no reflection, so it stays trimmable.
/// </summary>
internal static class ValidateJsonOutput
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(TextWriter stdout, QueueParseResult parsed, int[] order) =>
        WriteDocument(stdout, parsed.IsValid, parsed.Queue?.QueueId, [.. order.Select(i => parsed.Queue!.Jobs[i].JobId)], parsed.Errors, parsed.Defaults);

    public static void WriteUnreadable(TextWriter stdout, string problem) =>
        WriteDocument(stdout, false, null, [], [new QueueError(0, 0, "", problem)], []);

    private static void WriteDocument(TextWriter stdout, bool valid, string? queueId, IReadOnlyList<string> order,
        IReadOnlyList<QueueError> errors, IReadOnlyList<string> defaults)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("valid", valid);
            if (queueId is null)
            {
                writer.WriteNull("queue_id");
            }
            else
            {
                writer.WriteString("queue_id", queueId);
            }

            writer.WriteStartArray("order");
            foreach (var jobId in order)
            {
                writer.WriteStringValue(jobId);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("errors");
            foreach (var error in errors)
            {
                writer.WriteStartObject();
                writer.WriteNumber("line", error.Line);
                writer.WriteNumber("column", error.Column);
                writer.WriteString("path", error.Path);
                writer.WriteString("message", error.Message);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("defaults");
            foreach (var sentence in defaults)
            {
                writer.WriteStringValue(sentence);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
