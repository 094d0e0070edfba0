using Spawn.Core.Ports;
using Spawn.Core.State;

namespace Spawn.Storage;

/// <summary>
/// Reads the queue's state as the runner last saved it: the state file with its journal replayed on top (see
/// docs/state-file.md). Safe to call while a runner writes: a read that overlaps an in-place write or a compaction
/// is noticed and done again. Used by the runner on resume and by <c>spawn queue status</c>, <c>logs</c>, …
/// </summary>
public static class StateFileReader
{
    // A read only loses a race with a writer that is mid-way through one event; a few tries always win.
    private const int Attempts = 10;

    /// <exception cref="StateStoreException">The file is missing, cannot be read or is not a state file; it is left untouched.</exception>
    public static QueueState Read(string path) =>
        ReadIfExists(path) ?? throw new StateStoreException($"cannot read state file {path}: it does not exist");

    /// <summary>Like <see cref="Read"/>, but null when there is no state file (a journal alone is ignored: it only ever amends a state file).</summary>
    public static QueueState? ReadIfExists(string path)
    {
        var journalPath = StateJournal.PathFor(path);
        for (var attempt = 1; ; attempt++)
        {
            // File first, journal after: every in-place write visible in the file (even half done) was committed to
            // the journal before it began, so the journal read afterwards covers it, and the result is exactly the
            // state of the journal's last line. The generation read first tells whether a rewrite happened between.
            var generation = GenerationOf(ReadFirstLine(journalPath));
            var file = ReadOrNull(path, "state file");
            var journal = ReadOrNull(journalPath, "state journal");
            if (file is null)
            {
                return null;
            }

            try
            {
                var state = Merge(path, file, journal);
                if (generation == GenerationOf(journal) || attempt >= Attempts)
                {
                    return state;
                }
            }
            catch (StateStoreException) when (attempt < Attempts && journal is not null)
            {
                // Without a journal the file only ever changes by rename, so its bytes are final; with one,
                // a slot may have been caught mid-write: read again.
            }
        }
    }

    private static QueueState Merge(string path, byte[] file, byte[]? journalBytes)
    {
        var journalPath = StateJournal.PathFor(path);
        JournalContents journal;
        try
        {
            journal = StateJournal.Parse(journalBytes);
        }
        catch (FormatException e)
        {
            throw new StateStoreException(
                $"state journal {journalPath} is damaged ({e.Message}): it and state file {path} were left untouched; fix them, or start over with --fresh, which keeps both as a backup", e);
        }

        var lastFull = journal.Entries.Count - 1;
        while (lastFull >= 0 && !journal.Entries[lastFull].Full)
        {
            lastFull--;
        }

        QueueState? header;
        JobState?[] jobs;
        if (lastFull >= 0)
        {
            // The journal holds the whole state: the file may be the one before it, or even half rewritten in place.
            header = journal.Entries[lastFull].State;
            jobs = [.. header.Jobs];
        }
        else
        {
            try
            {
                (header, jobs) = StateFileParser.Parse(file, slotsMayBeTorn: journal.Entries.Count > 0);
            }
            catch (FormatException e)
            {
                throw Invalid(path, e.Message, e);
            }
        }

        foreach (var entry in journal.Entries.Skip(lastFull + 1))
        {
            header = entry.State;
            for (var k = 0; k < entry.Indices.Length; k++)
            {
                var index = entry.Indices[k];
                var job = entry.State.Jobs[k];
                if (index >= jobs.Length || (jobs[index] is { } known && known.JobId != job.JobId))
                {
                    var holds = index >= jobs.Length ? $"has only {jobs.Length} jobs" : $"holds job \"{jobs[index]!.JobId}\" at position {index}";
                    throw new StateStoreException(
                        $"state journal {journalPath} does not match state file {path} (the journal changes job \"{job.JobId}\" at position {index}; the file {holds}): both left untouched; fix them, or start over with --fresh, which keeps both as a backup");
                }

                jobs[index] = job;
            }
        }

        if (header is null)
        {
            throw Invalid(path, "its first line is damaged", inner: null);
        }

        var damaged = Array.IndexOf(jobs, null);
        if (damaged >= 0)
        {
            throw Invalid(path, $"the record of job {damaged + 1} is damaged", inner: null);
        }

        return header with { Jobs = jobs! };
    }

    private static StateStoreException Invalid(string path, string reason, Exception? inner) =>
        new($"state file {path} is not a valid state file ({reason}): left untouched; fix it, or start over with --fresh, which keeps it as a backup", inner);

    /// <summary>The journal's generation; "" for an empty journal, null for none.</summary>
    private static string? GenerationOf(byte[]? journal) => journal is null ? null : StateJournal.GenerationOf(journal) ?? "";

    private static byte[]? ReadFirstLine(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            var buffer = new byte[128];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return buffer[..read];
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static byte[]? ReadOrNull(string path, string what)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StateStoreException($"cannot read {what} {path}: {e.Message}", e);
        }
    }
}
