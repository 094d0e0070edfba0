using System.Diagnostics;
using System.Text;
using Spawn.Core.State;

namespace Spawn.EndToEnd.Tests;

/// <summary>
/// A throwaway directory for one test: the queue file, the state, logs and results all live under it, and the
/// CLI's local state directory (XDG_STATE_HOME) points into it.
/// </summary>
internal sealed class Workspace : IDisposable
{
    public Workspace()
    {
        Root = Directory.CreateTempSubdirectory("spawn-e2e-").FullName;
        Directory.CreateDirectory(Work);
    }

    public string Root { get; }

    /// <summary>The jobs' working directory.</summary>
    public string Work => Path.Combine(Root, "work");

    public string StateFile => Path.Combine(Root, "state", "queue-state.json");

    public string LogDir => Path.Combine(Root, "logs");

    public string ResultsDir => Path.Combine(Root, "results");

    /// <summary>
    /// Variables for the binaries run here. The instance metadata service is off unless a test points it at a stub:
    /// spored asks it, and the tests must not depend on what, if anything, answers at its real address.
    /// </summary>
    public Dictionary<string, string> Environment { get; } = new() { ["AWS_EC2_METADATA_DISABLED"] = "true" };

    public string Path_(string relative) => System.IO.Path.Combine(Root, relative);

    public string WriteQueue(string json, string name = "queue.json")
    {
        var path = System.IO.Path.Combine(Root, name);
        File.WriteAllText(path, json);
        return path;
    }

    public QueueState State() => QueueStateJson.Deserialize(File.ReadAllBytes(StateFile));

    public string Log(string jobId, string stream = "stdout") => File.ReadAllText(System.IO.Path.Combine(LogDir, $"{jobId}-{stream}.log"));

    /// <summary><c>spawn queue run FILE</c> with this workspace's state, log and result locations.</summary>
    public Task<CliResult> RunQueueAsync(string queueFile, params string[] extra) =>
        SpawnAsync(["queue", "run", queueFile, "--state-file", StateFile, "--log-dir", LogDir, "--results-dir", ResultsDir, .. extra]);

    public Task<CliResult> SpawnAsync(params string[] args) => RunAsync(Binaries.Spawn, args);

    public async Task<CliResult> RunAsync(string binary, IEnumerable<string> args, TimeSpan? limit = null)
    {
        using var process = Start(binary, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit ?? TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{binary} {string.Join(' ', args)} did not finish; stderr so far: {(stderr.IsCompleted ? stderr.Result : "")}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a binary with redirected output; the caller reads and waits.</summary>
    public Process Start(string binary, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Work,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["XDG_STATE_HOME"] = System.IO.Path.Combine(Root, "xdg-state");
        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }

        return Process.Start(info)!;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
