using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Spawn.Core.Ports;
using Spawn.Core.State;

namespace Spawn.Storage;

/// <summary>
/// The state file in the guide's format, durable at every save and current to the last one, at a cost per save
/// that does not grow with the number of jobs (docs/state-file.md):
/// <list type="bullet">
/// <item>a save that changes a few jobs appends them to the journal and fdatasyncs it (the commit point), then
/// overwrites just their fixed-width slots in the state file, without fsync: the journal replays them after a crash;</item>
/// <item>the first save of a store, a record that outgrows its slot, or a journal grown past its limit rewrite the
/// state file atomically (temp file, fsync, rename, fsync of the directory) and start a new journal;</item>
/// <item>a save of an ended queue (completed or failed) rewrites the file, indented like the guide's example, and
/// removes the journal.</item>
/// </list>
/// A state that cannot be read is reported by <see cref="LoadAsync"/> and left exactly as it is.
/// </summary>
public sealed class DurableStateStore(string path) : IStateStore
{
    /// <summary>The journal may grow to twice the state file (and to this much for small ones) before a rewrite folds it in.</summary>
    private const long MinimumJournalLimit = 256 << 10;

    private readonly SemaphoreSlim _saving = new(1, 1);
    private readonly string _journalPath = StateJournal.PathFor(path);
    private InPlaceSession? _session;
    private int _jobSlotFloor = SlottedLayout.DefaultJobSlot;

    /// <summary>Whether a record went into the journal without its fdatasync since the last one.</summary>
    private volatile bool _recordedSinceSync;

    public string Location => path;

    /// <exception cref="StateStoreException">The state exists but cannot be read; its files are left untouched.</exception>
    public async Task<QueueState?> LoadAsync(CancellationToken cancellationToken)
    {
        await _saving.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ReplaceSession(null);
            return StateFileReader.ReadIfExists(path);
        }
        finally
        {
            _saving.Release();
        }
    }

    public Task SaveAsync(QueueState state, CancellationToken cancellationToken) => StoreAsync(state, durable: true, cancellationToken);

    /// <summary>Like a save, but the journal line is not fdatasynced: the next save's fdatasync takes it along.</summary>
    public Task RecordAsync(QueueState state, CancellationToken cancellationToken) => StoreAsync(state, durable: false, cancellationToken);

    /// <summary>
    /// fdatasyncs the journal if records went into it since the last fdatasync. The lock is held only to take the
    /// journal's handle, not for the flush: a record made meanwhile does not wait for the disk (it is flushed by the
    /// next call). A journal replaced meanwhile by a rewrite stays open until the flush is done; the rewrite was
    /// durable itself.
    /// </summary>
    public async Task MakeDurableAsync(CancellationToken cancellationToken)
    {
        SafeFileHandle journal;
        var added = false;
        await _saving.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_recordedSinceSync || _session is not { } session)
            {
                return;
            }

            journal = session.Files.Journal;
            journal.DangerousAddRef(ref added);
            _recordedSinceSync = false;
        }
        finally
        {
            _saving.Release();
        }

        try
        {
            Fsync.Data(journal, _journalPath);
        }
        catch
        {
            _recordedSinceSync = true;
            throw;
        }
        finally
        {
            journal.DangerousRelease();
        }
    }

    private async Task StoreAsync(QueueState state, bool durable, CancellationToken cancellationToken)
    {
        await _saving.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Once started, a save runs to its end: stopping half-way would only leave more for the next load to repair.
            if (state.Status is QueueStatus.Completed or QueueStatus.Failed)
            {
                // The queue ended: the file is left standing alone, whole and fsynced, for people and uploads.
                Rewrite(state, keepJournal: false);
            }
            else if (_session is not { } session || !TryUpdateInPlace(session, state, durable))
            {
                Rewrite(state, keepJournal: true);
            }
        }
        catch
        {
            ReplaceSession(null); // what is on disk is no longer known exactly: the next save rewrites it whole
            throw;
        }
        finally
        {
            _saving.Release();
        }
    }

    /// <summary>
    /// For <c>--fresh</c>: moves the state file (and its journal) aside as <c>{path}.bak-YYYYMMDD-HHMMSS</c>
    /// (<c>….journal</c>) and returns the new name. The pair can be read back with another store on that name.
    /// </summary>
    public static string BackUp(string path, TimeProvider clock)
    {
        var stamp = clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var backup = $"{path}.bak-{stamp}";
        for (var n = 2; File.Exists(backup) || File.Exists(StateJournal.PathFor(backup)); n++)
        {
            backup = $"{path}.bak-{stamp}-{n}";
        }

        File.Move(path, backup);
        if (File.Exists(StateJournal.PathFor(path)))
        {
            File.Move(StateJournal.PathFor(path), StateJournal.PathFor(backup));
        }

        return backup;
    }

    private bool TryUpdateInPlace(InPlaceSession session, QueueState state, bool durable)
    {
        var changed = ChangedJobs(session.State.Jobs, state.Jobs);
        if (changed is null)
        {
            return false;
        }

        var records = StateRecords.Of(state with { Jobs = changed.Select(i => state.Jobs[i]).ToArray() });
        if (!session.Layout.TryHeaderSlot(records.Header, out var headerSlot))
        {
            return false;
        }

        var slots = new byte[changed.Length][];
        for (var k = 0; k < changed.Length; k++)
        {
            if (!session.Layout.TryJobSlot(changed[k], records.Jobs[k], out slots[k]))
            {
                _jobSlotFloor = SlottedLayout.FloorAfterOverflow(_jobSlotFloor, records.Jobs[k].Length);
                return false;
            }
        }

        var line = StateJournal.DeltaLine(changed, records);
        if (session.JournalLength + line.Length > session.JournalLimit || !File.Exists(_journalPath) || !File.Exists(path))
        {
            return false;
        }

        // The commit point: once the line is on disk, a crash at any later moment replays it. A line recorded without
        // the fdatasync (and any before it) reaches the disk with the next one that has it.
        RandomAccess.Write(session.Files.Journal, line, session.JournalLength);
        if (durable)
        {
            Fsync.Data(session.Files.Journal, _journalPath);
            _recordedSinceSync = false;
        }
        else
        {
            _recordedSinceSync = true;
        }

        // Readers see the change at once; the disk gets it when the kernel writes the pages back.
        RandomAccess.Write(session.Files.State, headerSlot, fileOffset: 0);
        for (var k = 0; k < changed.Length; k++)
        {
            RandomAccess.Write(session.Files.State, slots[k], session.Layout.JobOffset(changed[k]));
        }

        _session = session with { State = state, JournalLength = session.JournalLength + line.Length };
        return true;
    }

    /// <summary>Positions of the jobs that differ, or null when the job list itself changed. Unchanged jobs are the same objects, so this is cheap.</summary>
    private static int[]? ChangedJobs(IReadOnlyList<JobState> beforeList, IReadOnlyList<JobState> afterList)
    {
        // The scheduler's snapshots share the blocks of jobs that did not change: only changed blocks are compared.
        if (beforeList is JobStateList beforeSnapshot && afterList is JobStateList afterSnapshot && beforeSnapshot.Count == afterSnapshot.Count
            && afterSnapshot.ChangedSince(beforeSnapshot) is var changedPositions
            && changedPositions.TrueForAll(i => beforeSnapshot[i].JobId == afterSnapshot[i].JobId))
        {
            return [.. changedPositions];
        }

        // Any other list (an array, a loaded state): walked directly, a tight loop even at 10,000 jobs.
        ReadOnlySpan<JobState> before = beforeList as JobState[] ?? [.. beforeList];
        ReadOnlySpan<JobState> after = afterList as JobState[] ?? [.. afterList];
        if (before.Length != after.Length)
        {
            return null;
        }

        var changed = new List<int>();
        for (var i = 0; i < after.Length; i++)
        {
            if (!ReferenceEquals(before[i], after[i]) && !before[i].Equals(after[i]))
            {
                if (before[i].JobId != after[i].JobId)
                {
                    return null;
                }

                changed.Add(i);
            }
        }

        return [.. changed];
    }

    private void Rewrite(QueueState state, bool keepJournal)
    {
        var records = StateRecords.Of(state);
        if (File.Exists(_journalPath))
        {
            // The old journal must not be replayed over the new file: first it is made to end with the whole
            // new state (so a crash before the rename below still loads it), then replaced by an empty one.
            AtomicFile.Write(_journalPath, journal =>
            {
                journal.Write(NewJournal());
                StateJournal.WriteFullLine(journal, records);
            }, durable: true);
        }

        if (!keepJournal)
        {
            // Nothing will be changed in place any more: the ended queue's file gets the guide's indented look.
            AtomicFile.Write(path, file => QueueStateJson.Serialize(file, state), durable: true);
            if (File.Exists(_journalPath))
            {
                File.Delete(_journalPath);
                Fsync.DirectoryOf(_journalPath);
            }

            ReplaceSession(null);
            _recordedSinceSync = false;
            return;
        }

        var layout = SlottedLayout.Build(records, _jobSlotFloor);
        AtomicFile.Write(path, file => layout.Write(file, records), durable: true);
        var journal = NewJournal();
        AtomicFile.Write(_journalPath, journal, durable: true);
        ReplaceSession(new InPlaceSession(state, layout, journal.Length, Math.Max(MinimumJournalLimit, 2L * layout.Length), InPlaceFiles.Open(path, _journalPath)));
        _recordedSinceSync = false; // the rewrite was durable, and the journal starts anew
    }

    /// <summary>The files a session wrote in place are replaced or forgotten with it: their handles are closed.</summary>
    private void ReplaceSession(InPlaceSession? next)
    {
        _session?.Files.Dispose();
        _session = next;
    }

    private static byte[] NewJournal() => StateJournal.GenerationLine(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));

    /// <summary>What this store last wrote, from which the next save may change the file in place.</summary>
    private sealed record InPlaceSession(QueueState State, SlottedLayout Layout, long JournalLength, long JournalLimit, InPlaceFiles Files);

    /// <summary>
    /// The journal and the state file as the last rewrite left them, kept open until the next: opening and closing both
    /// for every event cost six system calls more. A file deleted meanwhile is noticed by name before each write.
    /// </summary>
    private sealed class InPlaceFiles(SafeFileHandle state, SafeFileHandle journal) : IDisposable
    {
        public SafeFileHandle State => state;

        public SafeFileHandle Journal => journal;

        public static InPlaceFiles Open(string statePath, string journalPath)
        {
            var state = File.OpenHandle(statePath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            try
            {
                return new InPlaceFiles(state, File.OpenHandle(journalPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete));
            }
            catch
            {
                state.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            state.Dispose();
            journal.Dispose();
        }
    }
}
