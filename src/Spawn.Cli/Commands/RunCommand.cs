using System.CommandLine;
using Spawn.Cli.Rendering;
using Spawn.Core.Model;
using Spawn.Core.Running;
using Spawn.Execution;
using Spawn.Hosting;
using Spectre.Console;

namespace Spawn.Cli.Commands;

/// <summary>
/// <c>spawn queue run FILE</c>: runs (or resumes) a queue in the foreground on this machine, with the same engine
/// as the agent. Jobs start in the current directory. Local defaults live under
/// <c>$XDG_STATE_HOME/spawn/queues/{queue_id}/</c> and are printed at start.
/// </summary>
internal static class RunCommand
{
    public static Command Create(TimeProvider clock)
    {
        var file = new Argument<string>("file") { Description = "The queue file (JSON)" };
        var stateFile = new Option<string?>("--state-file") { Description = "State file (default: under the local state directory, by queue id)" };
        var logDir = new Option<string?>("--log-dir") { Description = "Directory for {job_id}-stdout.log / -stderr.log" };
        var resultsDir = new Option<string?>("--results-dir") { Description = "Collect results into this directory (laid out like the bucket) instead of S3" };
        var json = new Option<bool>("--json") { Description = "Print one JSON event per line instead of the progress display" };
        var fresh = new Option<bool>("--fresh") { Description = "Start over: keep the existing state file as a backup and run every job" };
        var slotOptions = new SlotOptions();
        var command = new Command("run", "Run a queue on this machine (resumes it if its state exists)") { file, stateFile, logDir, resultsDir, json, fresh };
        foreach (var option in slotOptions.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, _) =>
        {
            var loaded = QueueFileLoading.LoadValid(result.GetValue(file)!, clock, Console.Error);
            if (loaded?.Queue is not { } queue
                || RunSlots.Resolve(result.GetValue(file)!, loaded, slotOptions.Read(result), MachineProbe.ThisMachine(), Console.Error) is not { } slots)
            {
                return 2;
            }

            var generated = loaded.QueueIdGenerated;

            var home = LocalQueueRecord.DirectoryFor(queue.QueueId);
            var where = new RunLocations(
                Full(result.GetValue(stateFile)) ?? Path.Combine(home, "queue-state.json"),
                Full(result.GetValue(logDir)) ?? Path.Combine(home, "logs"),
                Full(result.GetValue(resultsDir)),
                Path.Combine(home, "results"));
            // Before anything is written, even the local record: a second agent on this state changes nothing.
            using var held = RunLock.Take(where, Console.Error, out bool _);
            if (held is null)
            {
                return 2;
            }

            Remember(queue, where, Path.GetFullPath(result.GetValue(file)!));

            var asJson = result.GetValue(json);
            var notes = asJson ? Console.Error : Console.Out;
            notes.WriteLine($"queue {queue.QueueId}: state {where.StateFile}");
            notes.WriteLine($"  logs    {where.LogDirectory}");
            notes.WriteLine($"  results {DescribeResults(queue, where)}");
            if (slots.MaxParallel > 1 || queue.Jobs.Any(j => j.Cpus is not null || j.Gpus is not null))
            {
                notes.WriteLine($"  slots   {slots.Describe()}");
            }
            if (generated && result.GetValue(stateFile) is null)
            {
                notes.WriteLine("  (the file has no queue_id, so this run got a new one: give it a queue_id, or pass --state-file, to resume it later)");
            }

            using var signals = new SignalCancellation(Console.Error);
            var run = new QueueRun(clock, Console.Error);
            if (asJson)
            {
                await using var stdout = Console.OpenStandardOutput();
                return await run.ExecuteAsync(queue, generated, where, result.GetValue(fresh), new JsonLinesObserver(stdout), signals, slots).ConfigureAwait(false);
            }

            if (Console.IsOutputRedirected)
            {
                return await run.ExecuteAsync(queue, generated, where, result.GetValue(fresh), new LineObserver(Console.Out), signals, slots).ConfigureAwait(false);
            }

            var settings = new RunnerSettings(where.LogDirectory, where.AttemptsDirectory, Environment.CurrentDirectory);
            var live = new LiveProgress(AnsiConsole.Console, settings.StdoutLog, clock);
            return await live.ShowWhileAsync(() => run.ExecuteAsync(queue, generated, where, result.GetValue(fresh), live, signals, slots)).ConfigureAwait(false);
        });
        return command;
    }

    private static string? Full(string? path) => path is null ? null : Path.GetFullPath(path);

    private static string DescribeResults(QueueDefinition queue, RunLocations where) =>
        where.ResultsDirectory is null && queue.ResultS3Bucket is { } bucket
            ? $"s3://{bucket}/{queue.ResultPrefix}/"
            : Path.Combine(where.ResultsDirectory ?? where.DefaultResultsDirectory, queue.ResultPrefix);

    /// <summary>So later commands need only the queue id; the queue file's path lets <c>spawn queue report</c> draw its graph.</summary>
    private static void Remember(QueueDefinition queue, RunLocations where, string queueFile) =>
        new LocalQueueRecord(
            queue.QueueId,
            where.StateFile,
            where.LogDirectory,
            where.ResultsDirectory ?? (queue.ResultS3Bucket is null ? where.DefaultResultsDirectory : null),
            where.ResultsDirectory is null ? queue.ResultS3Bucket : null,
            queue.ResultPrefix,
            Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"),
            QueueFile: queueFile).Write();
}
