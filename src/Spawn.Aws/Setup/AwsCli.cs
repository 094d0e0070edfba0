using System.Diagnostics;

namespace Spawn.Aws.Setup;

/// <summary>
/// The AWS CLI (<c>aws</c>) as a child process. IAM is done through it because the IAM SDK package is not available
/// to this build; the child inherits this process's environment, so profiles, <c>AWS_ENDPOINT_URL</c> and
/// credentials apply to it exactly as to the SDK calls.
/// </summary>
public sealed class AwsCli(string executable)
{
    /// <summary>The <c>aws</c> on PATH, or null when there is none.</summary>
    public static AwsCli? Find()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "aws");
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return new AwsCli(candidate);
            }
        }

        return null;
    }

    public async Task<AwsCliResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // CLI v2 pipes output through a pager unless told not to; a pager waiting for a key would hang setup.
        start.Environment["AWS_PAGER"] = "";
        using var process = Start(start);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new AwsCliResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    private Process Start(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new SetupException($"{executable} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            // Found on PATH but not runnable (a broken shim, a missing interpreter): one line, like any other failure.
            throw new SetupException($"{executable} could not be run: {e.Message}", e);
        }
    }

    private static bool IsExecutable(string path) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}

/// <summary>How one <c>aws</c> command ended.</summary>
public sealed record AwsCliResult(int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The AWS error code the CLI names, <c>An error occurred (NoSuchEntity) when calling …</c>; null if none.</summary>
    public string? ErrorCode
    {
        get
        {
            const string marker = "An error occurred (";
            var start = Stderr.IndexOf(marker, StringComparison.Ordinal);
            var end = start < 0 ? -1 : Stderr.IndexOf(')', start + marker.Length);
            return end < 0 ? null : Stderr[(start + marker.Length)..end];
        }
    }

    /// <summary>The CLI's own one-line reason: the last non-empty line it wrote to stderr.</summary>
    public string Reason =>
        Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() is { } line
            ? line
            : $"exit code {ExitCode}";
}
