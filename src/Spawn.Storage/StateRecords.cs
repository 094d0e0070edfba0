using System.Buffers;
using System.Text.Json;
using Spawn.Core.State;

namespace Spawn.Storage;

/// <summary>
/// A state split into one-line records, each produced by the format's one serializer (<see cref="QueueStateJson"/>)
/// and compacted: <see cref="Header"/> is the queue's own fields as an object (<c>{"queue_id":…,"status":…}</c>),
/// <see cref="Jobs"/> one object per job. Compact JSON escapes every newline inside strings, so a record never
/// spans two lines: the state file and the journal rely on that.
/// </summary>
internal sealed record StateRecords(byte[] Header, byte[][] Jobs)
{
    private const string JobsProperty = "jobs";

    public static StateRecords Of(QueueState state)
    {
        using var document = JsonDocument.Parse(QueueStateJson.Serialize(state));
        var header = Compact(writer =>
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject().Where(p => p.Name != JobsProperty))
            {
                property.WriteTo(writer);
            }

            writer.WriteEndObject();
        });
        var jobs = document.RootElement.GetProperty(JobsProperty).EnumerateArray()
            .Select(job => Compact(job.WriteTo))
            .ToArray();
        return new StateRecords(header, jobs);
    }

    /// <summary>A whole state-file document holding the header and the given job records, on one line.</summary>
    public static byte[] Document(byte[] header, IEnumerable<byte[]> jobs)
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write(header.AsSpan(0, header.Length - 1)); // without the closing brace
        output.Write(",\"jobs\":["u8);
        var first = true;
        foreach (var job in jobs)
        {
            if (!first)
            {
                output.Write(","u8);
            }

            output.Write(job);
            first = false;
        }

        output.Write("]}"u8);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads one job record back through the format's serializer, inside a minimal document.</summary>
    public static JobState ParseJob(ReadOnlySpan<byte> job)
    {
        var document = new ArrayBufferWriter<byte>();
        document.Write("{\"queue_id\":\"-\",\"status\":\"pending\",\"jobs\":["u8);
        document.Write(job);
        document.Write("]}"u8);
        var state = QueueStateJson.Deserialize(document.WrittenSpan);
        return state.Jobs.Count == 1 ? state.Jobs[0] : throw new FormatException("not one job record");
    }

    private static byte[] Compact(Action<Utf8JsonWriter> write)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            write(writer);
        }

        return output.WrittenSpan.ToArray();
    }
}
