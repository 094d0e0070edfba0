namespace Spawn.Execution;

/// <summary>How to start the <see cref="AttemptLauncher"/>: a program and its arguments.</summary>
public sealed record LauncherCommand(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>
    /// The running program in its launcher mode: <c>spored</c> and <c>spawn</c> both dispatch
    /// <see cref="AttemptLauncher.Verb"/> before anything else, so the agent needs no second binary on an instance.
    /// Run as <c>dotnet PROGRAM.dll</c>, the same host and assembly.
    /// </summary>
    public static LauncherCommand ThisProgram()
    {
        var program = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown");
        return Path.GetFileNameWithoutExtension(program) == "dotnet"
            ? new LauncherCommand(program, [Environment.GetCommandLineArgs()[0], AttemptLauncher.Verb])
            : new LauncherCommand(program, [AttemptLauncher.Verb]);
    }
}
