using Spawn.Tests.Shared;

namespace Spawn.EndToEnd.Tests;

/// <summary>Workspaces whose child processes (spawn, and the aws it runs) reach moto through the standard chains.</summary>
internal static class MotoWorkspace
{
    public static Workspace Create(MotoServer moto)
    {
        var workspace = new Workspace();
        foreach (var (key, value) in moto.ChildEnvironment)
        {
            workspace.Environment[key] = value;
        }

        // Whatever profile this machine has must not leak into the tests.
        workspace.Environment["AWS_CONFIG_FILE"] = Path.Combine(workspace.Root, "no-aws-config");
        workspace.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(workspace.Root, "no-aws-credentials");
        return workspace;
    }
}
