using System.CommandLine;

// spored: the agent that runs a queue on a machine. `spored run-queue FILE` is filled in by the run issue.
var root = new RootCommand("spored — the spawn batch-queue agent");
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"spored: {error.Message}");
    }

    return 2;
}

return await parsed.InvokeAsync();
