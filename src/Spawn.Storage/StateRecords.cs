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
        using var document = JsonDocument.Parse(QueueStateJson.Serialize(state with { Jobs = [] }));
        var header = Compact(writer =>
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject().Where(p => p.Name != JobsProperty))
            {
                property.WriteTo(writer);
            }

            writer.WriteEndObject();
        });

        // One buffer and one writer for every job: a rewrite of a large queue allocates little besides the records.
        var output = new ArrayBufferWriter<byte>();
        using var jobWriter = new Utf8JsonWriter(output);
        var jobs = new byte[state.Jobs.Count][];
        for (var i = 0; i < jobs.Length; i++)
        {
            output.ResetWrittenCount();
            jobWriter.Reset(output);
            QueueStateJson.WriteJob(jobWriter, state.Jobs[i]);
            jobWriter.Flush();
            jobs[i] = output.WrittenSpan.ToArray();
        }

        return new StateRecords(header, jobs);
    }

    /// <summary>
    /// The whole state-file document holding the header and the job records, on one line, handed to
    /// <paramref name="write"/> piece by piece so that a large queue's document is never copied into one buffer.
    /// </summary>
    public void WriteDocument(Action<ReadOnlySpan<byte>> write)
    {
        write(Header.AsSpan(0, Header.Length - 1)); // without the closing brace
        write(",\"jobs\":["u8);
        for (var i = 0; i < Jobs.Length; i++)
        {
            if (i > 0)
            {
                write(","u8);
            }

            write(Jobs[i]);
        }

        write("]}"u8);
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
