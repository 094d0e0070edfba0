using System.CommandLine;
using Spawn.Hosting;

namespace Spawn.Agent;

/// <summary><c>spored run-queue FILE</c>: runs (or resumes) a queue with the agent's default locations.</summary>
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
        var command = new Command("run-queue", "Run a queue, resuming it if its state file exists") { file, stateFile, logDir, resultsDir, fresh };
        command.SetAction(async (result, _) =>
        {
            // Asked first, and never waited for: see ThisInstance.
            await using var instance = new ThisInstance(clock, Console.Out);
            var identity = instance.Identify();
            var loaded = QueueFileLoading.LoadValid(result.GetValue(file)!, clock, Console.Error);
            if (loaded?.Queue is not { } queue)
            {
                return 2;
            }

            var where = new RunLocations(result.GetValue(stateFile)!, result.GetValue(logDir)!, result.GetValue(resultsDir), DefaultResultsDirectory);
            using var signals = new SignalCancellation();
            return await new QueueRun(clock, Console.Error)
                .ExecuteAsync(queue, loaded.QueueIdGenerated, where, result.GetValue(fresh), new LineObserver(Console.Out), signals, new AgentDuties(identity))
                .ConfigureAwait(false);
        });
        return command;
    }
}
