using Spawn.Tests.Shared;

namespace Spawn.EndToEnd.Tests;

/// <summary>Workspaces whose child processes reach the moto server on loopback.</summary>
internal static class S3Workspace
{
    /// <summary>
    /// Shell that holds a job until the test calls <see cref="Go"/>, so the test decides when it ends without
    /// guessing at sleeps; it gives up by itself after 30 s so an abandoned job cannot linger.
    /// </summary>
    public const string WaitForGo = "for i in $(seq 600); do [ -e go ] && exit 0; sleep 0.05; done; exit 1";

    /// <param name="endpoint">Where the children send their requests, when not straight to the server (a proxy).</param>
    public static Workspace Create(MotoServer s3, string? endpoint = null)
    {
        var workspace = new Workspace();
        foreach (var (key, value) in s3.ChildEnvironment)
        {
            workspace.Environment[key] = value;
        }

        if (endpoint is not null)
        {
            workspace.Environment["AWS_ENDPOINT_URL"] = endpoint;
        }

        return workspace;
    }

    /// <summary>A queue id no other test uses, so tests sharing a bucket do not read each other's state.</summary>
    public static string UniqueId(string stem) => $"{stem}-{Guid.NewGuid():N}"[..(stem.Length + 13)];

    /// <summary>Lets every job waiting in <see cref="WaitForGo"/> end.</summary>
    public static void Go(Workspace workspace) => File.WriteAllText(Path.Combine(workspace.Work, "go"), "");
}
