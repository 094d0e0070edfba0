namespace Spawn.EndToEnd.Tests;

/// <summary>Odd but valid queue files run to their end: nothing throws out of the runner.</summary>
public sealed class OddInputTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task Timeouts_longer_than_a_timer_can_take_run_the_queue_to_its_end()
    {
        // 1300 h and 1200 h: beyond 2^32-2 ms (about 49.7 days), the most a .NET timer takes.
        var queue = _ws.WriteQueue("""
            {"queue_id": "long", "global_timeout": "1200h",
             "jobs": [{"job_id": "a", "timeout": "1300h", "command": "echo ran"},
                      {"job_id": "b", "timeout": "2000h", "depends_on": ["a"], "command": "echo ran"}]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_result_pattern_with_dot_dot_after_a_wildcard_is_reported_not_thrown()
    {
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "dots",
             "jobs": [{"job_id": "a", "timeout": "1m", "command": "mkdir -p d/x && echo 1 > d/x/f", "result_paths": ["{{_ws.Work}}/d/*/../x/f"]},
                      {"job_id": "b", "timeout": "1m", "depends_on": ["a"], "command": "echo ran > b.txt"}]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_ws.Work, "b.txt")), "the job after it did not run");
        Assert.Contains("result_paths[0]", _ws.State().Job("a").ErrorMessage ?? "", StringComparison.Ordinal);
    }
}
