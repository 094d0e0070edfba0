namespace Spawn.EndToEnd.Tests;

/// <summary>Finds the built <c>spawn</c> and <c>spored</c> of the same configuration as this test assembly.</summary>
internal static class Binaries
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Spawn => Binary("Spawn.Cli", "spawn");

    public static string Spored => Binary("Spawn.Agent", "spored");

    public static string Example(string name) => Path.Combine(RepositoryRoot, "examples", name);

    private static string Binary(string project, string name)
    {
        var configuration = AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(RepositoryRoot, "src", project, "bin", configuration, "net10.0", name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{name} is not built at {path}: build the solution first", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Spawn.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("no Spawn.slnx above " + AppContext.BaseDirectory);
    }
}
