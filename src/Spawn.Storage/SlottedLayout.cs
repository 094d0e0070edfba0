namespace Spawn.Storage;

/// <summary>
/// The state file's byte layout, which lets one job's change be written in place:
/// <code>
/// {"queue_id":"q",…,"status":"running",      ← header slot
/// "jobs":[
/// {"job_id":"a",…},                           ← one fixed-width slot per job, padded with spaces
/// {"job_id":"b",…}
/// ]}
/// </code>
/// Padding is JSON whitespace, so the file is the guide's format as it stands. Every slot ends with the same
/// newline at the same offset whatever it holds, so even a write torn by a power loss keeps the lines apart.
/// </summary>
internal sealed class SlottedLayout
{
    /// <summary>Smallest job slot: a job's record grows from ~80 bytes (pending) to ~250 (finished, with times and pid).</summary>
    public const int DefaultJobSlot = 256;

    /// <summary>A job slot never gets wider than this only because another job's record was long.</summary>
    public const int MaximumSharedSlot = 1024;

    private const int HeaderFloor = 256;

    private static ReadOnlySpan<byte> JobsOpening => "\"jobs\":[\n"u8;

    private static ReadOnlySpan<byte> Closing => "]}\n"u8;

    private readonly int _headerWidth;
    private readonly long[] _jobOffsets;
    private readonly int[] _jobWidths;

    private SlottedLayout(int headerWidth, long[] jobOffsets, int[] jobWidths)
    {
        _headerWidth = headerWidth;
        _jobOffsets = jobOffsets;
        _jobWidths = jobWidths;
    }

    public int JobCount => _jobOffsets.Length;

    /// <summary>The file's length in bytes.</summary>
    public long Length => (_jobOffsets.Length == 0 ? _headerWidth + JobsOpening.Length : _jobOffsets[^1] + _jobWidths[^1]) + Closing.Length;

    /// <summary>Lays the records out with room to grow: half their length again, and at least <paramref name="jobSlotFloor"/> per job.</summary>
    public static SlottedLayout Build(StateRecords records, int jobSlotFloor)
    {
        var headerWidth = Math.Max(HeaderFloor, Roomy(records.Header.Length));
        var widths = records.Jobs.Select(job => Math.Max(jobSlotFloor, Roomy(job.Length))).ToArray();
        var offsets = new long[widths.Length];
        var position = (long)headerWidth + JobsOpening.Length;
        for (var i = 0; i < widths.Length; i++)
        {
            offsets[i] = position;
            position += widths[i];
        }

        return new SlottedLayout(headerWidth, offsets, widths);
    }

    /// <summary>
    /// Writes the file's content, slot by slot, for the records this layout was built from. The padding is written
    /// from a small buffer rather than a slot-sized array per job: a 10,000-job file is mostly padding.
    /// </summary>
    public void Write(Stream output, StateRecords records)
    {
        Span<byte> spaces = stackalloc byte[256];
        spaces.Fill((byte)' ');
        WriteSlot(output, records.Header.AsSpan(0, records.Header.Length - 1), (byte)',', _headerWidth, spaces);
        output.Write(JobsOpening);
        for (var i = 0; i < records.Jobs.Length; i++)
        {
            WriteSlot(output, records.Jobs[i], i == _jobOffsets.Length - 1 ? (byte)' ' : (byte)',', _jobWidths[i], spaces);
        }

        output.Write(Closing);
    }

    /// <summary>The header slot's bytes (the header object without its closing brace, then a comma), if it fits.</summary>
    public bool TryHeaderSlot(byte[] header, out byte[] slot) =>
        TryFill(header.AsSpan(0, header.Length - 1), (byte)',', _headerWidth, out slot);

    public bool TryJobSlot(int index, byte[] job, out byte[] slot) =>
        TryFill(job, index == _jobOffsets.Length - 1 ? (byte)' ' : (byte)',', _jobWidths[index], out slot);

    public long JobOffset(int index) => _jobOffsets[index];

    /// <summary>How wide job slots should be after a record of <paramref name="length"/> bytes did not fit.</summary>
    public static int FloorAfterOverflow(int currentFloor, int length) =>
        Math.Max(currentFloor, Math.Min(MaximumSharedSlot, Roomy(length)));

    private static int Roomy(int length) => (length + (length / 2) + 2 + 63) / 64 * 64;

    private static bool TryFill(ReadOnlySpan<byte> record, byte separator, int width, out byte[] slot)
    {
        if (record.Length + 2 > width)
        {
            slot = [];
            return false;
        }

        slot = new byte[width];
        record.CopyTo(slot);
        slot[record.Length] = separator;
        slot.AsSpan(record.Length + 1, width - record.Length - 2).Fill((byte)' ');
        slot[^1] = (byte)'\n';
        return true;
    }

    /// <summary>The bytes <see cref="TryFill"/> makes, straight to <paramref name="output"/>; the layout was built to fit every record.</summary>
    private static void WriteSlot(Stream output, ReadOnlySpan<byte> record, byte separator, int width, ReadOnlySpan<byte> spaces)
    {
        output.Write(record);
        output.WriteByte(separator);
        for (var padding = width - record.Length - 2; padding > 0; padding -= spaces.Length)
        {
            output.Write(spaces[..Math.Min(padding, spaces.Length)]);
        }

        output.WriteByte((byte)'\n');
    }
}
