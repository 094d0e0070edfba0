namespace Spawn.EndToEnd.Tests;

/// <summary>
/// Issue 16, item 9 (SECURITY.md, "File modes"): what a run leaves on disk is not world-readable. The state, its
/// lock and the attempts records are 0600; a job's logs are 0640 (its group may read them, others may not).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileModeTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Log = Private | UnixFileMode.GroupRead;

    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task A_runs_state_records_and_logs_are_not_world_readable()
    {
        var queue = _ws.WriteQueue("""
            {"queue_id": "modes",
             "jobs": [{"job_id": "a", "timeout": "1m", "command": "echo secret; echo oops >&2; echo r > r.txt", "result_paths": ["r.txt"]}]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(Private, File.GetUnixFileMode(_ws.StateFile));
        Assert.Equal(Log, File.GetUnixFileMode(Path.Combine(_ws.LogDir, "a-stdout.log")));
        Assert.Equal(Log, File.GetUnixFileMode(Path.Combine(_ws.LogDir, "a-stderr.log")));
        // Everything the agent wrote: not the job's own files, nor r.txt collected into the results (a result keeps
        // the mode the job gave it), nor the queue file the test wrote.
        var written = Directory.GetFiles(_ws.Root, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(_ws.Work + "/", StringComparison.Ordinal) && !f.EndsWith("queue.json", StringComparison.Ordinal)
                && !f.EndsWith("/r.txt", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(written, f => f.EndsWith("attempts.log", StringComparison.Ordinal));
        foreach (var file in written)
        {
            var mode = File.GetUnixFileMode(file);
            Assert.True((mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) == 0, $"{file} is {mode}");
            Assert.True(file.EndsWith(".log", StringComparison.Ordinal) && !file.EndsWith("attempts.log", StringComparison.Ordinal) ? mode == Log : mode == Private, $"{file} is {mode}");
        }
    }
}
