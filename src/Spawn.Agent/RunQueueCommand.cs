using System.CommandLine;
using Spawn.Core.Model;
using Spawn.Core.State;
using Spawn.Execution;
using Spawn.Hosting;

namespace Spawn.Agent;

/// <summary>
/// <c>spored run-queue FILE</c>: runs (or resumes) a queue with the agent's default locations. With
/// <c>--power-off</c> the machine is powered off once the queue has ended (exit 0, 1 or 2), after its final state is
/// stored; never after SIGINT/SIGTERM (systemd stopping the agent, the machine already going down), nor after a crash,
/// nor when another agent holds the state (it is running the queue on this machine).
/// </summary>
internal static class RunQueueCommand
{
    public const string DefaultStateFile = "/var/lib/spored/queue-state.json";
    public const string DefaultLogDirectory = "/var/log/spored/jobs";
    public const string DefaultResultsDirectory = "/var/lib/spored/results";

    public static Command Create(TimeProvider clock)
    {
        var file = new Argument<string>("file") { Description = "The queue file (JSON)" };
        var stateFile = new Option<string>("--state-file") { Description = "State file", DefaultValueFactory = _ => DefaultStateFile };
        var logDir = new Option<string>("--log-dir") { Description = "Directory for {job_id}-stdout.log / -stderr.log", DefaultValueFactory = _ => DefaultLogDirectory };
        var resultsDir = new Option<string?>("--results-dir") { Description = "Collect results into this directory instead of the queue's S3 bucket" };
        var fresh = new Option<bool>("--fresh") { Description = "Start over: keep the existing state file as a backup and run every job" };
        var powerOff = new Option<bool>("--power-off")
        {
            Description = "Once the queue has ended (exit 0, 1 or 2) and its final state is stored, run `systemctl poweroff` (not after SIGINT/SIGTERM)",
        };
        var resumeFromS3 = new Option<DateTimeOffset?>("--resume-from-s3")
        {
            Description = "SINCE (UTC): on a machine with no state file, start from the queue's state in S3 if that run started at or after SINCE, "
                + "first restoring completed jobs' result_paths (a new instance of a spot queue)",
            CustomParser = ParseTime,
        };
        var resumedAt = new Option<DateTimeOffset?>("--resumed-at")
        {
            Description = "TIME (UTC) of `spawn queue resume`: with --resume-from-s3, failed and skipped jobs run again, and cancel requests older than TIME are ignored",
            CustomParser = ParseTime,
        };
        var slotOptions = new SlotOptions();
        var command = new Command("run-queue", "Run a queue, resuming it if its state file exists") { file, stateFile, logDir, resultsDir, fresh, powerOff, resumeFromS3, resumedAt };
        foreach (var option in slotOptions.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, _) =>
        {
            // Asked first, and never waited for: see ThisInstance.
            await using var instance = new ThisInstance(clock, Console.Out);
            var duties = new AgentDuties(instance.Identify(), instance.Notices(), result.GetValue(resumeFromS3), result.GetValue(resumedAt));
            using var signals = new SignalCancellation(Console.Error);
            var where = new RunLocations(result.GetValue(stateFile)!, result.GetValue(logDir)!, result.GetValue(resultsDir), DefaultResultsDirectory);
            var (code, finalState, heldElsewhere) = await RunAsync(result.GetValue(file)!, where, result.GetValue(fresh), slotOptions.Read(result), duties, signals, clock).ConfigureAwait(false);
            if (code == QueueRun.InterruptedByNotice)
            {
                await AwaitTheMachinesEndAsync(signals, clock).ConfigureAwait(false);
                return code;
            }

            // Everything the run stores is stored by now (the final state at every ending, the S3 mirror flushed). A
            // signal means systemd is stopping the agent: the machine is already going down, or someone wants it kept.
            // Another agent holding the state is running the queue on this machine: powering off would cut it short.
            if (result.GetValue(powerOff) && code is 0 or 1 or 2 && !signals.Received && !heldElsewhere)
            {
                Console.Out.WriteLine($"{QueueStateJson.FormatTime(clock.GetUtcNow())} {Ending(code, finalState)}; powering off");
                Console.Out.Flush();

                // First, or a persistent spot request would have EC2 start the instance (or a replacement) again.
                await CancelSpotRequestCommand.CancelIfSpotAsync(await instance.DescriptionAsync().ConfigureAwait(false), clock, signals.Token).ConfigureAwait(false);
                await new PowerOff(clock, Console.Error).RequestAsync(signals.Token).ConfigureAwait(false);
            }

            return code;
        });
        return command;
    }

    /// <summary>The exit code, where the final state was stored (null when nothing ran), and whether another agent holds the state.</summary>
    private static async Task<(int Code, string? FinalState, bool HeldElsewhere)> RunAsync(
        string queueFile, RunLocations where, bool fresh, SlotFlags flags, AgentDuties duties, SignalCancellation signals, TimeProvider clock)
    {
        var loaded = QueueFileLoading.LoadValid(queueFile, clock, Console.Error);
        if (loaded?.Queue is not QueueDefinition queue
            || RunSlots.Resolve(queueFile, loaded, flags, MachineProbe.ThisMachine(), Console.Error) is not { } slots)
        {
            return (2, null, false);
        }

        if (slots.MaxParallel > 1 || queue.Jobs.Any(j => j.Cpus is not null || j.Gpus is not null))
        {
            Console.Out.WriteLine($"slots: {slots.Describe()}");
        }

        using var held = RunLock.Take(where, Console.Error, out var heldElsewhere);
        if (held is null)
        {
            return (2, null, heldElsewhere);
        }

        var code = await new QueueRun(clock, Console.Error)
            .ExecuteAsync(queue, loaded.QueueIdGenerated, where, fresh, new LineObserver(Console.Out), signals, slots, duties)
            .ConfigureAwait(false);
        return (code, where.FinalStateLocation(queue), false);
    }

    /// <summary>
    /// After a spot interruption notice the agent stays, starting nothing, until EC2 stops or terminates the machine
    /// (systemd's SIGTERM ends the wait). Should the machine still be here after <see cref="NoticePatience"/>, the agent
    /// exits all the same; systemd starts it again and it resumes the queue.
    /// </summary>
    private static async Task AwaitTheMachinesEndAsync(SignalCancellation signals, TimeProvider clock)
    {
        Console.Out.WriteLine($"{QueueStateJson.FormatTime(clock.GetUtcNow())} waiting for EC2 to take the instance (at most {NoticePatience.TotalMinutes:0} min); nothing more starts");
        Console.Out.Flush();
        try
        {
            await Task.Delay(NoticePatience, clock, signals.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The machine is going down, as announced.
        }
    }

    private static readonly TimeSpan NoticePatience = TimeSpan.FromMinutes(10);

    private static DateTimeOffset? ParseTime(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        result.AddError($"not a time: \"{text}\" (expected UTC, e.g. 2026-01-31T12:00:00Z)");
        return null;
    }

    private static string Ending(int code, string? finalState) => code switch
    {
        0 => $"queue ended (completed); final state in {finalState}",
        1 => $"queue ended (failed); final state in {finalState}",
        _ => "queue not run (exit 2: the queue file, its bucket or its state cannot be used; see above)",
    };
}
