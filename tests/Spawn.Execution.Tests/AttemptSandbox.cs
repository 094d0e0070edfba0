using System.Diagnostics;
using Spawn.Core.Ports;

namespace Spawn.Execution.Tests;

/// <summary>A temporary directory for one test's attempts, with launches whose files live inside it.</summary>
internal sealed class AttemptSandbox : IDisposable
{
    public AttemptSandbox()
    {
        Root = Directory.CreateTempSubdirectory("spawn-exec-").FullName;
    }

    public string Root { get; }

    public string Stdout => Path.Combine(Root, "logs", "job-stdout.log");

    public string Stderr => Path.Combine(Root, "logs", "job-stderr.log");

    public string ExitFile => Path.Combine(Root, "attempts", "job.1.exit");

    public JobLaunch Launch(string command, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null) =>
        new("q1", "job", 1, command, environment ?? new Dictionary<string, string>(), workingDirectory ?? Root, Stdout, Stderr, ExitFile);

    /// <summary>Another job's first attempt, with its files beside this sandbox's job's.</summary>
    public JobLaunch LaunchOf(string jobId, string command) =>
        new("q1", jobId, 1, command, new Dictionary<string, string>(), Root, Path.Combine(Root, "logs", $"{jobId}-stdout.log"),
            Path.Combine(Root, "logs", $"{jobId}-stderr.log"), Path.Combine(Root, "attempts", $"{jobId}.1.exit"));

    public string ReadStdout() => File.Exists(Stdout) ? File.ReadAllText(Stdout) : "";

    public string ReadStderr() => File.Exists(Stderr) ? File.ReadAllText(Stderr) : "";

    public void Dispose()
    {
        StopLeftoverAttempt();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    /// <summary>
    /// A test that ends (or fails) while its job still runs must not leave it behind: a gated loop whose gate vanished
    /// with this directory would spin forever on a shared machine. The attempt is found by its own identity file.
    /// </summary>
    private void StopLeftoverAttempt()
    {
        var found = new BashJobExecutor(TimeProvider.System, TestLauncher.Command).AdoptAsync(Launch("ignored"), 0, 0, CancellationToken.None).GetAwaiter().GetResult();
        if (found is AdoptionResult.StillRunning running)
        {
            running.Job.TerminateAsync(TimeSpan.Zero, CancellationToken.None).GetAwaiter().GetResult();
        }
    }
}

/// <summary>Observing real processes: polling with a deadline and looking into /proc.</summary>
internal static class Observe
{
    public static async Task UntilAsync(Func<bool> condition, string what, int timeoutMs = 5000)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.ElapsedMilliseconds > timeoutMs)
            {
                throw new TimeoutException($"gave up waiting for: {what}");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Fields 3.. of /proc/PID/stat (index 0 = state), or null when the process is gone.</summary>
    public static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Every live (non-zombie) process whose process group is <paramref name="groupId"/>.</summary>
    public static List<int> LiveMembersOfGroup(int groupId)
    {
        var members = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { } fields && fields[2] == groupId.ToString() && fields[0] != "Z")
            {
                members.Add(pid);
            }
        }

        return members;
    }

    public static bool IsLive(int pid) => Stat(pid) is { } fields && fields[0] != "Z";

    /// <summary>
    /// What the launcher recorded in <c>attempts.log</c> for the attempt named by <paramref name="exitFile"/> since it
    /// was last cleared: "PID STARTTIME" and the exit code, as text; null for what is not recorded (yet).
    /// </summary>
    public static (string? Identity, string? Exit) Recorded(string exitFile)
    {
        var log = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(exitFile))!, "attempts.log");
        var name = Path.GetFileName(exitFile);
        (string? Identity, string? Exit) found = (null, null);
        foreach (var line in File.Exists(log) ? File.ReadAllLines(log) : [])
        {
            found = line.Split(' ') switch
            {
                ["c", var n] when n == name => (null, null),
                ["a", var n, _] when n == name => (null, null),
                ["s", var n, var pid, var start] when n == name => (pid + " " + start, found.Exit),
                ["x", var n, _, var code] when n == name => (found.Identity, code),
                _ => found,
            };
        }

        return found;
    }

    public static async Task<string> PlainBashAsync(string command, string workingDirectory)
    {
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardInput = true, WorkingDirectory = workingDirectory };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
