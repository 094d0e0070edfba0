using System.Diagnostics;
using Spawn.Tests.Shared;

namespace Spawn.Aws.Tests;

/// <summary>
/// moto accepts any signature, so the bootstrap's hand-written Signature Version 4 (bash and openssl, so an instance
/// needs no AWS CLI) is checked here against botocore's signer — the one the AWS CLI uses on real AWS — for a
/// virtual-hosted request with a session token (an instance role's) and a path-style one (a custom endpoint), and an EC2
/// query call (the cancel of the instance's own spot request when the bootstrap gives up).
/// </summary>
public sealed class BootstrapSignatureTests
{
    [Fact]
    public async Task The_bootstrap_signs_its_S3_requests_exactly_as_botocore_does()
    {
        var root = MotoServer.RepositoryRoot;
        var start = new ProcessStartInfo("python3")
        {
            ArgumentList = { Path.Combine(root, "tests", "Shared", "sigv4_check.py"), Path.Combine(root, "src", "Spawn.Aws", "Launch", "bootstrap.sh") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var python = Process.Start(start)!;
        var stdout = await python.StandardOutput.ReadToEndAsync();
        var stderr = await python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync();

        Assert.True(python.ExitCode == 0, stderr);
        Assert.Equal(["same", "same", "same"], stdout.Trim().Split('\n'));
    }
}
