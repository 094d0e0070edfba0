namespace Spawn.EndToEnd.Tests;

/// <summary>
/// Issue 16, item 6: a job's error message is stored bounded in the state (the whole text goes to the agent's log),
/// and <c>spawn queue status</c> prints it on one short line.
/// </summary>
public sealed class BoundedRecordsTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task A_very_long_error_is_cut_in_the_state_and_in_status_but_whole_in_the_log()
    {
        // A result pattern of about 6,000 characters that matches nothing: the problem quotes it in full.
        var pattern = $"{_ws.Work}/{string.Concat(Enumerable.Repeat("d/", 3000))}end.txt";
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "long-error",
             "jobs": [{"job_id": "a", "timeout": "1m", "command": "true", "result_paths": ["{{pattern}}"]}]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(pattern, run.Stdout + run.Stderr, StringComparison.Ordinal);
        var stored = _ws.State().Job("a").ErrorMessage ?? "";
        Assert.True(stored.Length <= 2200, $"the stored error has {stored.Length} characters");
        Assert.Contains("more characters; the full text is in the agent's log", stored, StringComparison.Ordinal);
        Assert.True(new FileInfo(_ws.StateFile).Length < 4096, $"the state file has {new FileInfo(_ws.StateFile).Length} bytes");

        var status = await _ws.SpawnAsync("queue", "status", _ws.StateFile);

        Assert.True(status.ExitCode == 0, status.ToString());
        var errorLine = status.Stdout.Split('\n').Single(line => line.Contains("result_paths[0]", StringComparison.Ordinal));
        Assert.True(errorLine.Length <= 400, $"status printed a line of {errorLine.Length} characters");
    }
}
