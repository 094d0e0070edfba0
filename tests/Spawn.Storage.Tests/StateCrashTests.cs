using System.Text;
using Spawn.Core.Ports;
using Spawn.Core.State;

namespace Spawn.Storage.Tests;

/// <summary>
/// Power-loss simulation: the store's real files are captured after every save, then cut and mixed the way a crash
/// can leave them (an append cut at any byte or its tail left as zeros; in-place writes lost or torn), and loaded back.
/// </summary>
public sealed class StateCrashTests : IDisposable
{
    private const int Events = 16;

    private readonly TempDirectory _dir = new();
    private readonly Random _random = new(20261129);

    private string StateFile => _dir["queue-state.json"];

    private string JournalFile => StateFile + ".journal";

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_crash_while_an_event_is_appended_loads_the_event_before_it_whatever_the_state_file_holds()
    {
        var saves = await SaveEvents();
        for (var m = 1; m < saves.Count; m++)
        {
            var committed = saves[m - 1].Journal;
            var line = saves[m].Journal[committed.Length..];
            foreach (var cut in Cuts(line.Length))
            {
                // In-place writes of event m only start once its line is whole, so the file holds event m-1 or older.
                var stateFile = OlderFile(saves, m - 1);
                States.AssertSame(saves[m - 1].State, LoadFrom(stateFile, [.. committed, .. line[..cut]]));
                States.AssertSame(saves[m - 1].State, LoadFrom(stateFile, [.. committed, .. line[..cut], .. new byte[line.Length - cut]]));
                if (cut < line.Length - 1)
                {
                    // The page holding the newline reached the disk, an earlier one did not.
                    States.AssertSame(saves[m - 1].State, LoadFrom(stateFile, [.. committed, .. line[..cut], .. new byte[line.Length - cut - 1], (byte)'\n']));
                }
            }
        }
    }

    [Fact]
    public async Task A_crash_after_an_event_is_committed_loads_it_even_when_its_in_place_write_was_lost_or_torn()
    {
        var saves = await SaveEvents();
        for (var m = 1; m < saves.Count; m++)
        {
            var journal = saves[m].Journal;
            States.AssertSame(saves[m].State, LoadFrom(saves[m - 1].File, journal));
            States.AssertSame(saves[m].State, LoadFrom(OlderFile(saves, m - 1), journal));
            for (var i = 0; i < 5; i++)
            {
                States.AssertSame(saves[m].State, LoadFrom(Torn(saves[m - 1].File, saves[m].File), journal));
            }
        }
    }

    [Fact]
    public async Task A_crash_at_any_step_of_a_rewrite_loads_the_old_state_or_the_new_one()
    {
        var saves = await SaveEvents();
        var old = saves[^1];
        var jobs = old.State.Jobs.ToArray();
        jobs[3] = jobs[3] with { Status = JobStatus.Failed, ErrorMessage = new string('e', 2000) }; // too long for its slot
        var next = old.State with { Jobs = jobs, UpdatedAt = old.State.UpdatedAt.AddSeconds(1) };
        var records = StateRecords.Of(next);
        var newFile = FileOf(records);
        byte[] fullJournal = [.. StateJournal.GenerationLine("after"), .. Written(journal => StateJournal.WriteFullLine(journal, records))];

        // 1. the journal is being replaced (by rename, so it is the old one or the new one)
        States.AssertSame(old.State, LoadFrom(OlderFile(saves, saves.Count - 1), old.Journal));
        // 2. the new journal holds the whole new state; the file is still the old one, maybe torn by in-place writes
        States.AssertSame(next, LoadFrom(Torn(saves[^2].File, old.File), fullJournal));
        States.AssertSame(next, LoadFrom([.. old.File[..100], .. new byte[old.File.Length - 100]], fullJournal));
        // 3. the file was renamed into place, the journal not yet emptied
        States.AssertSame(next, LoadFrom(newFile, fullJournal));
        // 4. done: the new file and an empty journal
        States.AssertSame(next, LoadFrom(newFile, StateJournal.GenerationLine("fresh")));
    }

    [Fact]
    public async Task A_journal_damaged_before_its_last_line_stops_the_load_and_both_files_are_left_untouched()
    {
        var saves = await SaveEvents();
        var journal = saves[^1].Journal.ToArray();
        var secondLine = Array.IndexOf(journal, (byte)'\n', Array.IndexOf(journal, (byte)'\n') + 1) + 1;
        journal[secondLine + 40] ^= 0x20;
        await File.WriteAllBytesAsync(JournalFile, journal);

        var error = await Assert.ThrowsAsync<StateStoreException>(() => new DurableStateStore(StateFile).LoadAsync(CancellationToken.None));

        Assert.StartsWith($"state journal {JournalFile} is damaged (line 3 is damaged (its checksum does not match) and more lines follow it)", error.Message);
        Assert.Contains("--fresh", error.Message);
        Assert.Equal(journal, await File.ReadAllBytesAsync(JournalFile));
        Assert.Equal(saves[^1].File, await File.ReadAllBytesAsync(StateFile));
    }

    [Fact]
    public async Task A_journal_line_with_a_right_checksum_but_no_positions_is_damage_not_a_crash()
    {
        // Found by fuzzing: a delta line whose body held no space escaped the reader as an ArgumentOutOfRangeException.
        var saves = await SaveEvents();
        var body = "{\"queue_id\":\"q1\",\"status\":\"running\",\"jobs\":[]}"u8.ToArray();
        byte[] line = [.. Encoding.ASCII.GetBytes($"D {Fnv1a.Of(body):x16} "), .. body, (byte)'\n'];

        States.AssertSame(saves[^1].State, LoadFrom(saves[^1].File, [.. saves[^1].Journal, .. line]));
        var error = Assert.Throws<StateStoreException>(() => LoadFrom(saves[^1].File, [.. saves[^1].Journal, .. line, .. line]));
        Assert.Contains("is damaged (it has no positions) and more lines follow it", error.Message);
    }

    [Fact]
    public async Task A_journal_that_belongs_to_another_state_file_is_not_replayed_over_it()
    {
        var saves = await SaveEvents();
        var other = States.Queue(8) with { Jobs = States.Queue(8).Jobs.Select(j => j with { JobId = "other-" + j.JobId }).ToArray() };
        var otherFile = FileOf(StateRecords.Of(other));

        var error = Assert.Throws<StateStoreException>(() => LoadFrom(otherFile, saves[^1].Journal));

        Assert.True(error.Message.Contains($"state journal {JournalFile} does not match state file {StateFile}", StringComparison.Ordinal), error.Message);
        Assert.Contains("the journal changes job \"job-00001\" at position 1; the file holds job \"other-job-00001\" at position 1", error.Message);
    }

    private async Task<List<Save>> SaveEvents()
    {
        var store = new DurableStateStore(StateFile);
        var state = States.Queue(8);
        var saves = new List<Save>();
        for (var n = 0; n <= Events; n++)
        {
            if (n > 0)
            {
                state = States.Event(state, n);
            }

            await store.SaveAsync(state, CancellationToken.None);
            saves.Add(new Save(state, await File.ReadAllBytesAsync(StateFile), await File.ReadAllBytesAsync(JournalFile)));
        }

        // One layout and one journal throughout: every event went in place.
        Assert.All(saves, s => Assert.Equal(saves[0].File.Length, s.File.Length));
        Assert.All(saves.Skip(1), s => Assert.StartsWith(StateJournal.GenerationOf(saves[0].Journal)!, StateJournal.GenerationOf(s.Journal)!));
        return saves;
    }

    private QueueState? LoadFrom(byte[] stateFile, byte[] journal)
    {
        File.WriteAllBytes(StateFile, stateFile);
        File.WriteAllBytes(JournalFile, journal);
        return new DurableStateStore(StateFile).LoadAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>The state file as an event at or before <paramref name="latest"/> left it: later in-place writes never reached the disk.</summary>
    private byte[] OlderFile(List<Save> saves, int latest) => saves[_random.Next(0, latest + 1)].File;

    /// <summary>A write caught half-way: the first bytes are the new file's, the rest the old one's.</summary>
    private byte[] Torn(byte[] before, byte[] after)
    {
        var at = _random.Next(0, after.Length);
        return [.. after[..at], .. before[at..]];
    }

    /// <summary>The state file a rewrite lays out for <paramref name="records"/>.</summary>
    private static byte[] FileOf(StateRecords records) =>
        Written(file => SlottedLayout.Build(records, SlottedLayout.DefaultJobSlot).Write(file, records));

    private static byte[] Written(Action<Stream> write)
    {
        using var output = new MemoryStream();
        write(output);
        return output.ToArray();
    }

    private IEnumerable<int> Cuts(int length) =>
        new[] { 0, 1, 2, 18, 19, length - 2, length - 1 }.Concat(Enumerable.Range(0, 3).Select(_ => _random.Next(0, length))).Distinct();

    private sealed record Save(QueueState State, byte[] File, byte[] Journal);
}
