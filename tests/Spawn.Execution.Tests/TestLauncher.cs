using Spawn.Execution;

namespace Spawn.Execution.Tests;

/// <summary>
/// The launcher the tests' executors start: the built <c>spored</c> of this configuration in its launcher mode, as
/// the agent starts itself (the test host cannot: it is not a program with that mode).
/// </summary>
internal static class TestLauncher
{
    public static LauncherCommand Command { get; } = new(Spored(), [AttemptLauncher.Verb]);

    private static string Spored()
    {
        var configuration = AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "src", "Spawn.Agent", "bin", configuration, "net10.0", "spored");
            if (File.Exists(Path.Combine(dir.FullName, "Spawn.slnx")))
            {
                return File.Exists(path) ? path : throw new FileNotFoundException($"spored is not built at {path}: build the solution first", path);
            }
        }

        throw new DirectoryNotFoundException("no Spawn.slnx above " + AppContext.BaseDirectory);
    }
}
