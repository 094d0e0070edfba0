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
