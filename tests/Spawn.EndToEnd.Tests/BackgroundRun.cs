using System.Diagnostics;
using System.Text;

namespace Spawn.EndToEnd.Tests;

/// <summary>
/// A <c>spawn</c> (or <c>spored</c>) process the test acts on while it runs: its output is captured line by line as it
/// comes, so the test can wait for a message, and disposing kills whatever is still running.
/// </summary>
internal sealed class BackgroundRun : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder stdout = new();
    private readonly StringBuilder stderr = new();

    public BackgroundRun(Workspace workspace, params string[] args)
        : this(workspace, Binaries.Spawn, args)
    {
    }

    private BackgroundRun(Workspace workspace, string binary, string[] args)
    {
        process = workspace.Start(binary, args);
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    public static BackgroundRun Spored(Workspace workspace, params string[] args) => new(workspace, Binaries.Spored, args);

    public string Stdout => Read(stdout);

    public string Stderr => Read(stderr);

    public async Task<CliResult> WaitAsync(TimeSpan limit)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Path.GetFileName(process.StartInfo.FileName)} did not finish within {limit}; so far:\n{Result(exitCode: -1)}");
        }

        // The parameterless wait also waits for the last asynchronously read lines.
        process.WaitForExit();
        return Result(process.ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private CliResult Result(int exitCode) => new(exitCode, Stdout, Stderr);

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (text)
        {
            text.Append(line).Append('\n');
        }
    }

    private static string Read(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }
}
