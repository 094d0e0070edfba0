using System.Globalization;
using System.Text;
using Spawn.Core.State;

namespace Spawn.Storage;

/// <summary>
/// The journal beside the state file (<c>queue-state.json.journal</c>): the commit log that makes an in-place
/// change of the state file safe. Lines:
/// <code>
/// G 9f1c…                       generation: a new journal file gets a new one, so readers notice a compaction
/// D 1a2b3c4d5e6f7a8b 3,17 {…}   delta: the queue's header and the jobs at positions 3 and 17, as a state document
/// F 1a2b3c4d5e6f7a8b - {…}      full: the whole state (written just before the state file is replaced)
/// </code>
/// The hex number is an FNV-1a hash of the rest of the line. A last line that is unfinished or does not match its
/// hash is an append cut short by a crash and is ignored; a damaged line with lines after it is real damage.
/// </summary>
internal static class StateJournal
{
    public static string PathFor(string statePath) => statePath + ".journal";

    public static byte[] GenerationLine(string generation) => Encoding.ASCII.GetBytes($"G {generation}\n");

    /// <summary>The header and the jobs at <paramref name="indices"/>, whose records are <paramref name="records"/>' jobs.</summary>
    public static byte[] DeltaLine(IEnumerable<int> indices, StateRecords records)
    {
        using var line = new MemoryStream();
        WriteLine(line, 'D', string.Join(',', indices.Select(i => i.ToString(CultureInfo.InvariantCulture))), records);
        return line.ToArray();
    }

    public static void WriteFullLine(Stream output, StateRecords records) => WriteLine(output, 'F', "-", records);

    /// <summary>The generation named on the first line, or null when there is no complete first line.</summary>
    public static string? GenerationOf(ReadOnlySpan<byte> journal)
    {
        var end = journal.IndexOf((byte)'\n');
        return end > 2 && journal[0] == (byte)'G' && journal[1] == (byte)' '
            ? Encoding.ASCII.GetString(journal[2..end])
            : null;
    }

    /// <exception cref="FormatException">The journal is damaged somewhere other than its last line.</exception>
    public static JournalContents Parse(ReadOnlySpan<byte> journal)
    {
        if (journal.IsEmpty)
        {
            return new JournalContents(null, []);
        }

        var generation = GenerationOf(journal) ?? throw new FormatException("its first line is not a generation marker");
        var rest = journal[(journal.IndexOf((byte)'\n') + 1)..];
        var entries = new List<JournalEntry>();
        for (var lineNumber = 2; !rest.IsEmpty; lineNumber++)
        {
            var end = rest.IndexOf((byte)'\n');
            if (end < 0)
            {
                break; // an append cut short before its newline
            }

            var line = rest[..end];
            rest = rest[(end + 1)..];
            if (TryDecode(line, out var entry, out var problem))
            {
                entries.Add(entry);
            }
            else if (rest.Contains((byte)'\n'))
            {
                throw new FormatException($"line {lineNumber} is damaged ({problem}) and more lines follow it");
            }
        }

        return new JournalContents(generation, entries);
    }

    /// <summary>Two passes over the records, one for the hash at the front and one to write them, instead of one copy.</summary>
    private static void WriteLine(Stream output, char kind, string indices, StateRecords records)
    {
        var indicesPart = Encoding.ASCII.GetBytes(indices + " ");
        var hash = new Fnv1a();
        hash.Add(indicesPart);
        records.WriteDocument(hash.Add);
        output.Write(Encoding.ASCII.GetBytes($"{kind} {hash.Value:x16} "));
        output.Write(indicesPart);
        records.WriteDocument(output.Write);
        output.WriteByte((byte)'\n');
    }

    private static bool TryDecode(ReadOnlySpan<byte> line, out JournalEntry entry, out string problem)
    {
        entry = null!;
        if (line.Length < 21 || line[1] != (byte)' ' || line[18] != (byte)' ' || line[0] is not ((byte)'D' or (byte)'F'))
        {
            problem = "not a journal line";
            return false;
        }

        var body = line[19..];
        if (!ulong.TryParse(line[2..18], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash) || hash != Fnv1a.Of(body))
        {
            problem = "its checksum does not match";
            return false;
        }

        var space = body.IndexOf((byte)' ');
        if (space < 0)
        {
            problem = "it has no positions";
            return false;
        }

        try
        {
            var state = QueueStateJson.Deserialize(body[(space + 1)..]);
            var full = line[0] == (byte)'F';
            var indices = full ? [] : Indices(body[..space]);
            if (!full && indices.Length != state.Jobs.Count)
            {
                problem = "it names a different number of positions than it has jobs";
                return false;
            }

            entry = new JournalEntry(full, indices, state);
            problem = "";
            return true;
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            problem = e.Message;
            return false;
        }
    }

    private static int[] Indices(ReadOnlySpan<byte> text) =>
        text.IsEmpty
            ? []
            : Encoding.ASCII.GetString(text).Split(',').Select(i => int.Parse(i, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
}

/// <summary>FNV-1a, 64 bits, fed piece by piece: enough to tell a torn or damaged journal line from a whole one.</summary>
internal sealed class Fnv1a
{
    public ulong Value { get; private set; } = 14695981039346656037UL;

    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        var hash = new Fnv1a();
        hash.Add(bytes);
        return hash.Value;
    }

    public void Add(ReadOnlySpan<byte> bytes)
    {
        var hash = Value;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        Value = hash;
    }
}

/// <summary>A journal's complete lines. <see cref="Generation"/> is null for an empty file.</summary>
internal sealed record JournalContents(string? Generation, IReadOnlyList<JournalEntry> Entries);

/// <summary>One committed event: the whole state (<see cref="Full"/>), or the header plus the jobs at <see cref="Indices"/>.</summary>
internal sealed record JournalEntry(bool Full, int[] Indices, QueueState State);
