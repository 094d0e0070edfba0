using System.Collections;

namespace Spawn.Core.State;

/// <summary>
/// The scheduler's job states, kept in blocks of <see cref="BlockSize"/> so that a snapshot per event does not copy
/// the whole queue: <see cref="Snapshot"/> copies the table of blocks (n / 64 references) and marks every block
/// shared; the next change to a shared block copies that block alone (copy on write).
/// </summary>
public sealed class JobStateTable
{
    public const int BlockSize = 64;

    private readonly JobState[][] _blocks;
    private readonly bool[] _shared;

    // The whole text of the last error message that was cut on its way in, so that the runner can log it in full:
    // one slot, not one per job, so that memory stays bounded however many jobs fail with long messages.
    private (int Index, JobState Stored, string Full)? _lastCut;

    public JobStateTable(int count)
    {
        Count = count;
        _blocks = new JobState[(count + BlockSize - 1) / BlockSize][];
        for (var b = 0; b < _blocks.Length; b++)
        {
            _blocks[b] = new JobState[Math.Min(BlockSize, count - (b * BlockSize))];
        }

        _shared = new bool[_blocks.Length];
    }

    public int Count { get; }

    public JobState this[int index]
    {
        get => _blocks[index / BlockSize][index % BlockSize];
        set
        {
            var b = index / BlockSize;
            if (_shared[b])
            {
                _blocks[b] = (JobState[])_blocks[b].Clone();
                _shared[b] = false;
            }

            var bounded = BoundedText.Stored(value.ErrorMessage);
            if (!ReferenceEquals(bounded, value.ErrorMessage))
            {
                var full = value.ErrorMessage!;
                value = value with { ErrorMessage = bounded };
                _lastCut = (index, value, full);
            }

            _blocks[b][index % BlockSize] = value;
        }
    }

    /// <summary>
    /// The error message of the job at <paramref name="index"/> in full: the stored one, or, if that was cut and has
    /// not changed since, the whole text it was cut from.
    /// </summary>
    public string? ErrorInFull(int index) =>
        _lastCut is { } cut && cut.Index == index && ReferenceEquals(cut.Stored, this[index]) ? cut.Full : this[index].ErrorMessage;

    /// <summary>An immutable view of the states as they are now; later changes to this table do not show in it.</summary>
    public JobStateList Snapshot()
    {
        Array.Fill(_shared, true);
        return new JobStateList((JobState[][])_blocks.Clone(), Count);
    }
}

/// <summary>An immutable snapshot of a <see cref="JobStateTable"/>. Two snapshots share every block neither changed.</summary>
public sealed class JobStateList : IReadOnlyList<JobState>
{
    private readonly JobState[][] _blocks;

    internal JobStateList(JobState[][] blocks, int count)
    {
        _blocks = blocks;
        Count = count;
    }

    public int Count { get; }

    public JobState this[int index] => _blocks[index / JobStateTable.BlockSize][index % JobStateTable.BlockSize];

    /// <summary>Positions whose states differ from <paramref name="earlier"/>'s, skipping the blocks the two share.</summary>
    public List<int> ChangedSince(JobStateList earlier)
    {
        var changed = new List<int>();
        for (var b = 0; b < _blocks.Length; b++)
        {
            var (now, then) = (_blocks[b], earlier._blocks[b]);
            if (ReferenceEquals(now, then))
            {
                continue;
            }

            for (var k = 0; k < now.Length; k++)
            {
                if (!ReferenceEquals(now[k], then[k]) && !now[k].Equals(then[k]))
                {
                    changed.Add((b * JobStateTable.BlockSize) + k);
                }
            }
        }

        return changed;
    }

    public IEnumerator<JobState> GetEnumerator() => _blocks.SelectMany(block => block).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
