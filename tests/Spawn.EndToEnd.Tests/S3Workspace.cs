using Spawn.Aws.Tests;

namespace Spawn.EndToEnd.Tests;

/// <summary>Workspaces whose child processes reach the loopback S3 server.</summary>
internal static class S3Workspace
{
    /// <summary>
    /// Shell that holds a job until the test calls <see cref="Go"/>, so the test decides when it ends without
    /// guessing at sleeps; it gives up by itself after 30 s so an abandoned job cannot linger.
    /// </summary>
    public const string WaitForGo = "for i in $(seq 600); do [ -e go ] && exit 0; sleep 0.05; done; exit 1";

    public static Workspace Create(S3rverFixture s3)
    {
        var workspace = new Workspace();
        foreach (var (key, value) in s3.ChildEnvironment)
        {
            workspace.Environment[key] = value;
        }

        return workspace;
    }

    /// <summary>A queue id no other test uses, so tests sharing a bucket do not read each other's state.</summary>
    public static string UniqueId(string stem) => $"{stem}-{Guid.NewGuid():N}"[..(stem.Length + 13)];

    /// <summary>Lets every job waiting in <see cref="WaitForGo"/> end.</summary>
    public static void Go(Workspace workspace) => File.WriteAllText(Path.Combine(workspace.Work, "go"), "");
}
