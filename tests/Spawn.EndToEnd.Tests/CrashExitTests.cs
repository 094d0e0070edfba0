namespace Spawn.EndToEnd.Tests;

/// <summary>
/// A crash of the program itself (here: the disk under the state fills up mid-run) is one line and exit 70, neither
/// 1 (the queue failed) nor 2 (bad input), so systemd restarts the agent; once there is room, the same command resumes.
/// </summary>
public sealed class CrashExitTests : IDisposable
{
    private readonly Workspace _ws = new();
    private readonly SmallDisk _disk;

    public CrashExitTests() => _disk = new SmallDisk(Path.GetDirectoryName(_ws.StateFile)!, kibibytes: 512);

    public void Dispose()
    {
        _disk.Dispose();
        _ws.Dispose();
    }

    private string Queue() => _ws.WriteQueue("""
        {"queue_id": "full", "jobs": [
          {"job_id": "a", "timeout": "1m", "command": "echo a >> ran.txt; while [ ! -e go ]; do sleep 0.05; done"},
          {"job_id": "b", "timeout": "1m", "depends_on": ["a"], "command": "echo b >> ran.txt"}]}
        """);

    [Theory]
    [InlineData("spawn")]
    [InlineData("spored")]
    public async Task A_full_disk_under_the_state_is_one_line_and_exit_70_then_the_same_command_resumes(string program)
    {
        var queue = Queue();
        string[] args = program == "spawn"
            ? ["queue", "run", queue, "--state-file", _ws.StateFile, "--log-dir", _ws.LogDir, "--results-dir", _ws.ResultsDir]
            : ["run-queue", queue, "--state-file", _ws.StateFile, "--log-dir", _ws.LogDir, "--results-dir", _ws.ResultsDir];
        var binary = program == "spawn" ? Binaries.Spawn : Binaries.Spored;

        await using (var run = program == "spawn" ? new BackgroundRun(_ws, args) : BackgroundRun.Spored(_ws, args))
        {
            await Poll.UntilAsync(() => _ws.State().Job("a").Pid is not null, TimeSpan.FromSeconds(30), "job a to run");
            _disk.Fill();
            File.WriteAllText(Path.Combine(_ws.Work, "go"), "");
            var crashed = await run.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.True(crashed.ExitCode == 70, crashed.ToString());
            var line = Assert.Single(crashed.Stderr.Trim().Split('\n'));
            Assert.Contains("No space left on device", line, StringComparison.Ordinal);
            Assert.Contains("run the same command again", line, StringComparison.Ordinal);
        }

        _disk.Free();
        var resumed = await _ws.RunAsync(binary, args);

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(["a", "b"], File.ReadAllLines(Path.Combine(_ws.Work, "ran.txt")).Distinct());
        Assert.Single(File.ReadAllLines(Path.Combine(_ws.Work, "ran.txt")), l => l == "a");
    }
}
