using System.Diagnostics;
using Spawn.Core.State;

namespace Spawn.Storage.Tests;

public sealed class StateScaleTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string StateFile => _dir["queue-state.json"];

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task An_event_in_a_10000_job_queue_writes_about_a_kilobyte_not_the_whole_file()
    {
        var store = new DurableStateStore(StateFile);
        var state = States.Queue(10_000);
        await store.SaveAsync(state, CancellationToken.None);
        var fileLength = new FileInfo(StateFile).Length;
        Assert.True(fileLength > 2_000_000, $"the state file is {fileLength} bytes");

        for (var n = 0; n < 12; n++)
        {
            var before = await File.ReadAllBytesAsync(StateFile);
            var journalBefore = new FileInfo(StateFile + ".journal").Length;
            state = States.Event(state, n * 241);

            await store.SaveAsync(state, CancellationToken.None);

            var after = await File.ReadAllBytesAsync(StateFile);
            var journalGrowth = new FileInfo(StateFile + ".journal").Length - journalBefore;
            Assert.Equal(before.Length, after.Length);
            Assert.InRange(journalGrowth, 1, 1024);
            // Only the header's slot and the changed job's slot differ.
            var first = before.AsSpan().CommonPrefixLength(after);
            Assert.True(first < 256, $"first change at byte {first}: not in the header slot");
            var firstInJobs = 256 + before.AsSpan(256).CommonPrefixLength(after.AsSpan(256));
            var lastInJobs = LastDifference(before, after);
            Assert.True(lastInJobs - firstInJobs < 256, $"changes from byte {firstInJobs} to {lastInJobs}: more than one job slot");
        }

        var load = Stopwatch.StartNew();
        States.AssertSame(state, await new DurableStateStore(StateFile).LoadAsync(CancellationToken.None));
        Assert.True(load.Elapsed < TimeSpan.FromSeconds(5), $"loading took {load.Elapsed}");
    }

    [Fact]
    public void A_rewrite_of_a_10000_job_queue_allocates_about_its_records_not_copies_of_the_whole_document()
    {
        var store = new DurableStateStore(StateFile);
        var state = States.Queue(10_000);
        Save(store, state);
        var jobs = state.Jobs.ToArray();
        jobs[7] = jobs[7] with { Status = JobStatus.Failed, ErrorMessage = new string('e', 2000) }; // outgrows its slot
        var overflowing = state with { Jobs = jobs };
        var ended = overflowing with { Status = QueueStatus.Failed };

        // Both rewrites: the journal's full line and the slotted file, then the indented file of an ended queue.
        var rewrite = AllocatedBy(() => Save(store, overflowing));
        var fileLength = new FileInfo(StateFile).Length;
        var end = AllocatedBy(() => Save(store, ended));

        // Slots here are 1,024 bytes wide (the long record widened them all) and records about 100: a slot-sized array
        // per job, or a copy of the whole document, would be 1,000 bytes a job or more.
        Assert.True(fileLength > 10_000_000, $"the state file is {fileLength} bytes");
        Assert.True(rewrite < 600 * 10_000, $"a rewrite of a {fileLength}-byte file allocated {rewrite} bytes");
        Assert.True(end < 600 * 10_000, $"the ending rewrite allocated {end} bytes");
    }

    /// <summary>Bytes allocated on this thread; the store's saves run synchronously to their end.</summary>
    private static long AllocatedBy(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static void Save(DurableStateStore store, QueueState state)
    {
        var save = store.SaveAsync(state, CancellationToken.None);
        Assert.True(save.IsCompleted, "the save went asynchronous; its allocations would not all be on this thread");
        save.GetAwaiter().GetResult();
    }

    private static int LastDifference(byte[] before, byte[] after)
    {
        var i = before.Length - 1;
        while (i >= 0 && before[i] == after[i])
        {
            i--;
        }

        return i;
    }
}
