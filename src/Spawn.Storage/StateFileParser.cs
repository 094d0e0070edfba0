using Spawn.Core.State;

namespace Spawn.Storage;

/// <summary>
/// Reads the state file itself. Any well-formed state document is accepted (also one a person reformatted).
/// When a journal will be replayed on top, a file in <see cref="SlottedLayout"/> whose slots were caught half
/// rewritten by a power loss is read slot by slot instead: a damaged slot comes back as null, for the journal to fill.
/// </summary>
internal static class StateFileParser
{
    /// <exception cref="FormatException">Not a state file (the reason is the whole-document parser's).</exception>
    public static ParsedStateFile Parse(ReadOnlySpan<byte> file, bool slotsMayBeTorn)
    {
        try
        {
            var state = QueueStateJson.Deserialize(file);
            return new ParsedStateFile(state, [.. state.Jobs]);
        }
        catch (FormatException) when (slotsMayBeTorn && TryParseSlots(file) is { } slots)
        {
            return slots;
        }
    }

    private static ParsedStateFile? TryParseSlots(ReadOnlySpan<byte> file)
    {
        var lines = new List<Range>();
        for (var start = 0; start < file.Length;)
        {
            var end = file[start..].IndexOf((byte)'\n');
            if (end < 0)
            {
                return null;
            }

            lines.Add(start..(start + end));
            start += end + 1;
        }

        if (lines.Count < 3 || !file[lines[1]].SequenceEqual("\"jobs\":["u8) || !file[lines[^1]].SequenceEqual("]}"u8))
        {
            return null;
        }

        var jobs = new JobState?[lines.Count - 3];
        for (var i = 0; i < jobs.Length; i++)
        {
            var record = file[lines[i + 2]].TrimEnd((byte)' ').TrimEnd((byte)',').ToArray();
            jobs[i] = TryParse(() => StateRecords.ParseJob(record));
        }

        var header = file[lines[0]].ToArray();
        return new ParsedStateFile(TryParse(() => ParseHeader(header)), jobs);
    }

    private static QueueState ParseHeader(byte[] line)
    {
        var record = line.AsSpan().TrimEnd((byte)' ');
        if (record.IsEmpty || record[^1] != (byte)',')
        {
            throw new FormatException("header slot does not end with a comma");
        }

        return QueueStateJson.Deserialize([.. record, .. "\"jobs\":[]}"u8]);
    }

    private static T? TryParse<T>(Func<T> parse) where T : class
    {
        try
        {
            return parse();
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>The state file's content; a null <see cref="Header"/> or job is a slot a power loss left half written.</summary>
internal sealed record ParsedStateFile(QueueState? Header, JobState?[] Jobs);
