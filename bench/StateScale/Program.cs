using System.Diagnostics;
using System.Globalization;
using Spawn.Core.State;
using Spawn.Storage;
using StateScale;

// Times single-job state changes saved durably on a 100-job and a 10,000-job queue (bench/state-scale.sh).
// Only the save is timed: building the next snapshot is the runner's cost, the same for any store.
var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
var outDirectory = Path.GetFullPath(args.Length > 1 ? args[1] : "bench/out/state-scale");
if (Directory.Exists(outDirectory))
{
    Directory.Delete(outDirectory, recursive: true);
}

await MeasureStore(100, 300, "warm-up"); // JIT and disk caches, not reported

var results = new List<Measurement>
{
    await MeasureStore(100, events, "DurableStateStore"),
    await MeasureStore(10_000, events, "DurableStateStore"),
    MeasureAppend(events),
    MeasureRewrite(100, Math.Min(events, 500)),
    MeasureRewrite(10_000, Math.Min(events, 100)),
};

Console.WriteLine($"{events} single-job status changes per store, each durable before the next (fsync on {outDirectory})");
Console.WriteLine();
Console.WriteLine($"{"store",-40} {"jobs",7} {"events",7} {"median",10} {"p90",10} {"mean",10} {"max",10}");
foreach (var m in results)
{
    Console.WriteLine($"{m.Name,-40} {m.Jobs,7} {m.Micros.Count,7} {Us(m.Median),10} {Us(m.P90),10} {Us(m.Mean),10} {Us(m.Max),10}");
}

var ratio = results[1].Median / results[0].Median;
var meanRatio = results[1].Mean / results[0].Mean;
Console.WriteLine();
Console.WriteLine($"DurableStateStore 10,000 / 100 jobs, median per event: {ratio:F2}x (must be < 2)");
Console.WriteLine($"DurableStateStore 10,000 / 100 jobs, mean per event (compactions included): {meanRatio:F2}x");
Console.WriteLine($"DurableStateStore at 10,000 jobs / bare fdatasync'd append (peer): {results[1].Median / results[2].Median:F2}x");
Console.WriteLine($"whole-file rewrite at 10,000 jobs / DurableStateStore at 10,000 jobs: {results[4].Median / results[1].Median:F1}x");
return ratio < 2 ? 0 : 1;

static string Us(double micros) => $"{micros:F0} us";

async Task<Measurement> MeasureStore(int jobs, int count, string name)
{
    var path = Path.Combine(outDirectory, $"{name}-{jobs}", "queue-state.json");
    var store = new DurableStateStore(path);
    var state = Events.Queue(jobs);
    await store.SaveAsync(state, CancellationToken.None);
    var micros = new List<double>(count);
    for (var n = 0; n < count; n++)
    {
        state = Events.Next(state, n);
        var watch = Stopwatch.StartNew();
        await store.SaveAsync(state, CancellationToken.None);
        micros.Add(watch.Elapsed.TotalMicroseconds);
    }

    // The file on disk is what was saved last.
    var loaded = StateFileReader.Read(path);
    if (loaded.UpdatedAt != state.UpdatedAt || !loaded.Jobs.SequenceEqual(state.Jobs))
    {
        throw new InvalidOperationException($"{path} does not hold the last saved state");
    }

    return new Measurement(name, jobs, micros);
}

// Peer: the least any durable per-event store can do, appending one ~400-byte line and fdatasync-ing it.
Measurement MeasureAppend(int count)
{
    Directory.CreateDirectory(outDirectory);
    var line = new byte[400];
    Array.Fill(line, (byte)'x');
    line[^1] = (byte)'\n';
    using var file = File.OpenHandle(Path.Combine(outDirectory, "append-peer.log"), FileMode.Create, FileAccess.Write);
    var micros = new List<double>(count);
    for (var n = 0; n < count; n++)
    {
        var watch = Stopwatch.StartNew();
        RandomAccess.Write(file, line, (long)n * line.Length);
        RandomAccess.FlushToDisk(file);
        micros.Add(watch.Elapsed.TotalMicroseconds);
    }

    return new Measurement("peer: append + fsync", 1, micros);
}

// Peer: rewriting the whole file at every event (temp file, fsync, rename), the simple design this store replaces.
Measurement MeasureRewrite(int jobs, int count)
{
    var path = Path.Combine(outDirectory, $"rewrite-peer-{jobs}.json");
    var state = Events.Queue(jobs);
    var micros = new List<double>(count);
    for (var n = 0; n < count; n++)
    {
        state = Events.Next(state, n);
        var watch = Stopwatch.StartNew();
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            file.Write(QueueStateJson.Serialize(state));
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        micros.Add(watch.Elapsed.TotalMicroseconds);
    }

    return new Measurement("peer: whole-file rewrite", jobs, micros);
}
