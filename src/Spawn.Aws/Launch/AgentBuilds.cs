namespace Spawn.Aws.Launch;

/// <summary>
/// Finds the self-contained <c>spored</c> for an architecture, laid out as <c>scripts/publish-aot.sh</c> lays out
/// <c>artifacts/</c>: <c>DIR/linux-x64/spored</c>, <c>DIR/linux-arm64/spored</c>.
/// </summary>
public static class AgentBuilds
{
    /// <summary>The default agent directory: the folder above the one holding the running <c>spawn</c>, when it has that layout (a release unpacked as is).</summary>
    public static string? DefaultDirectory()
    {
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        return parent is not null && (File.Exists(Path.Combine(parent, "linux-x64", "spored")) || File.Exists(Path.Combine(parent, "linux-arm64", "spored")))
            ? parent
            : null;
    }

    public static string Find(string directory, InstanceTypeInfo type)
    {
        var path = Path.Combine(directory, type.RuntimeIdentifier, "spored");
        if (!File.Exists(path))
        {
            throw LaunchException.BadInput(
                $"no agent build for {type.Architecture} ({type.InstanceType}): {path} is missing; build it with `scripts/publish-aot.sh {type.RuntimeIdentifier}`, or point --agent-dir at a folder holding {type.RuntimeIdentifier}/spored");
        }

        return path;
    }
}
