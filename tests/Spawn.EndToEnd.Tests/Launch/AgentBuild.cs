using System.Security.Cryptography;

namespace Spawn.EndToEnd.Tests.Launch;

/// <summary>The Native AOT agent that <c>./test.sh</c> publishes (<c>scripts/publish-aot.sh --agent-only</c>) into <c>artifacts/</c>.</summary>
internal static class AgentBuild
{
    public static string Directory => Path.Combine(Binaries.RepositoryRoot, "artifacts");

    public static string Path_ => File.Exists(Path.Combine(Directory, "linux-x64", "spored"))
        ? Path.Combine(Directory, "linux-x64", "spored")
        : throw new FileNotFoundException("artifacts/linux-x64/spored is missing: ./test.sh publishes it (scripts/publish-aot.sh --agent-only linux-x64)");

    public static string Sha256() => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path_)));
}
