using System.CommandLine;
using Spawn.Cli.Commands;
using Spawn.Execution;
using Spawn.Hosting;

// spawn: the user's CLI. One file per command under Commands/; each returns its exit code
// (0 ok, 1 the queue failed, 2 invalid input or usage, 130/143 interrupted, 70 a crash of spawn itself).
// The launcher that starts every job's process (BashJobExecutor): the same binary, so an instance needs no other.
if (args is [AttemptLauncher.Verb])
{
    return AttemptLauncher.Run();
}

var queue = new Command("queue", "Validate, run and inspect batch queues");
foreach (var command in QueueCommands.All(TimeProvider.System))
{
    queue.Subcommands.Add(command);
}

// A terminal closed while the queue runs must not turn the orderly stop that its SIGHUP starts into a crash.
VanishingTerminal.Install();

var root = new RootCommand("spawn — run batch queues of shell jobs, here or on EC2")
{
    queue,
    Spawn.Cli.Launch.LaunchCommand.Create(TimeProvider.System),
    SetupCommand.Create(),
};
var parsed = root.Parse(args);

// Usage mistakes are exit 2, never a stack trace.
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"spawn: {error.Message}");
    }

    return 2;
}

// SIGINT/SIGTERM are handled by the run itself (stop the job's group, save state); System.CommandLine's own
// handling would end the process after a short timeout and leave the job running. An exception is a crash: one line
// and exit 70 (CrashGuard), never a stack trace and exit 1, which would read as "the queue failed".
return await CrashGuard.RunAsync(
    "spawn",
    () => parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }),
    Console.Error);
