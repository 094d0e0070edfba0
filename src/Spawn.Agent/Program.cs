using System.CommandLine;
using Spawn.Agent;
using Spawn.Execution;
using Spawn.Hosting;

// spored: the agent that runs a queue on a machine (under systemd as spored.service on EC2).
// Exit codes: 0 every job completed, 1 the queue failed, 2 invalid input or state, 130/143 interrupted, 70 a crash.

// The launcher that starts every job's process (BashJobExecutor): the same binary, so an instance needs no other.
if (args is [AttemptLauncher.Verb])
{
    return AttemptLauncher.Run();
}

// A terminal closed while the queue runs must not turn the orderly stop that its SIGHUP starts into a crash.
VanishingTerminal.Install();

var root = new RootCommand("spored — the spawn batch-queue agent") { RunQueueCommand.Create(TimeProvider.System), CancelSpotRequestCommand.Create(TimeProvider.System) };
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"spored: {error.Message}");
    }

    return 2;
}

// SIGINT/SIGTERM are handled by the run itself (stop the job's group, save state); System.CommandLine's own
// handling would end the process after a short timeout and leave the job running. An exception is a crash, not exit 1
// ("the queue failed", which systemd does not restart and which --power-off acts on): CrashGuard says so in one line
// and exits 70, and systemd restarts the agent, which resumes the queue.
return await CrashGuard.RunAsync(
    "spored",
    () => parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }),
    Console.Error);
