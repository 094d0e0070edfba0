using System.Text.Json;
using Spawn.Core.State;

namespace Spawn.EndToEnd.Tests;

/// <summary><c>spawn queue report</c> of a real run, looked at in headless Chromium.</summary>
public sealed class ReportTests : IDisposable
{
    private const string Ready = "document.documentElement.dataset.ready === 'true'";

    // Per row: the job, its status class, its attempt bars' outcomes, and how many backoff waits it shows.
    private const string Query = """
        ({
          rows: [...document.querySelectorAll('#rows .row')].map(r => ({
            job: r.dataset.job,
            status: [...r.classList].find(c => c.startsWith('status-')),
            bars: [...r.querySelectorAll('.bar.attempt')].map(b => [...b.classList].find(c => c.startsWith('outcome-'))),
            waits: r.querySelectorAll('.wait').length,
            never: r.querySelectorAll('.bar.never').length,
            title: (r.querySelector('.bar.attempt:last-of-type') || {}).title || ''
          })),
          critical: document.getElementById('critical-path').textContent,
          nodes: [...document.querySelectorAll('#graph-view .node')].map(n => n.dataset.job + ' ' + [...n.classList].filter(c => c !== 'node').join(' ')),
          edges: document.querySelectorAll('#graph-view .edge').length,
          status: document.getElementById('queue-status').textContent
        })
        """;

    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task The_report_of_a_run_with_retries_a_timeout_a_failure_and_a_skipped_job_shows_every_attempt_in_Chromium()
    {
        var queue = _ws.WriteQueue("""
            {
              "queue_id": "report-e2e", "queue_name": "report end to end", "on_failure": "continue",
              "jobs": [
                {"job_id": "prepare", "command": "sleep 0.2", "timeout": "1m"},
                {"job_id": "flaky", "command": "sleep 0.1; [ \"$JOB_ATTEMPT\" -ge 3 ]", "timeout": "1m", "depends_on": ["prepare"],
                 "retry": {"max_attempts": 3, "backoff": "exponential", "base_delay": "100ms"}},
                {"job_id": "slow", "command": "sleep 30", "timeout": "1s", "kill_grace": "1s", "depends_on": ["prepare"],
                 "retry": {"max_attempts": 2, "backoff": "fixed", "base_delay": "200ms"}},
                {"job_id": "train", "command": "exit 3", "timeout": "1m", "depends_on": ["flaky"]},
                {"job_id": "evaluate", "command": "true", "timeout": "1m", "depends_on": ["train"]},
                {"job_id": "publish", "command": "true", "timeout": "1m", "depends_on": ["flaky"]}
              ]
            }
            """);
        var run = await _ws.RunQueueAsync(queue);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(2, _ws.State().Job("flaky").EarlierAttempts!.Kept.Count);
        var html = _ws.Path_("report.html");

        // By queue id: the state and the queue file are the ones `spawn queue run` remembered.
        var report = await _ws.SpawnAsync("queue", "report", "report-e2e", "--output", html);

        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Contains($"written to {html}", report.Stdout, StringComparison.Ordinal);
        var screenshot = ChromiumPage.ArtifactPath("report-e2e.png");
        var page = await ChromiumPage.LoadAsync(html, Ready, Query, screenshot);
        Assert.True(page.Ready, "the page never finished drawing");
        Assert.Empty(page.ConsoleErrors);
        Assert.Empty(page.Requests);
        var rows = page.Dom.GetProperty("rows").EnumerateArray().Select(Row).ToList();
        Assert.Equal(
            [
                ("prepare", "status-completed", "completed", 0, 0),
                ("flaky", "status-completed", "failed failed completed", 2, 0),
                ("slow", "status-failed", "timed_out timed_out", 1, 0),
                ("train", "status-failed", "failed", 0, 0),
                ("evaluate", "status-skipped", "", 0, 1),
                ("publish", "status-completed", "completed", 0, 0),
            ],
            rows.Select(r => (r.Job, r.Status, r.Bars, r.Waits, r.Never)));
        Assert.Contains("exit code 124", rows[2].Title, StringComparison.Ordinal);
        Assert.Contains("timed out after 1s", rows[2].Title, StringComparison.Ordinal);
        Assert.StartsWith("prepare → slow —", page.Dom.GetProperty("critical").GetString(), StringComparison.Ordinal);
        Assert.Equal("failed", page.Dom.GetProperty("status").GetString());
        Assert.Equal(
            ["prepare status-completed critical", "flaky status-completed", "slow status-failed critical", "train status-failed", "evaluate status-skipped", "publish status-completed"],
            page.Dom.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(5, page.Dom.GetProperty("edges").GetInt32());
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is empty");
    }

    [Fact]
    public async Task A_state_file_without_its_queue_file_still_gives_a_timeline_and_says_how_to_get_the_graph()
    {
        var queue = _ws.WriteQueue("""{"queue_id": "lonely", "jobs": [{"job_id": "only", "command": "true", "timeout": "1m"}]}""");
        Assert.Equal(0, (await _ws.RunQueueAsync(queue)).ExitCode);
        File.Delete(queue);
        var html = _ws.Path_("lonely.html");

        var report = await _ws.SpawnAsync("queue", "report", _ws.StateFile, "--output", html, "--price-per-hour", "3.06");

        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Contains("pass --queue FILE", report.Stderr, StringComparison.Ordinal);
        var text = File.ReadAllText(html);
        Assert.Contains("\"id\":\"only\"", text, StringComparison.Ordinal);
        Assert.Contains("/hour, the on-demand price given", text, StringComparison.Ordinal);
    }

    private static (string Job, string Status, string Bars, int Waits, int Never, string Title) Row(JsonElement r) => (
        r.GetProperty("job").GetString()!,
        r.GetProperty("status").GetString()!,
        string.Join(' ', r.GetProperty("bars").EnumerateArray().Select(b => b.GetString()!["outcome-".Length..])),
        r.GetProperty("waits").GetInt32(),
        r.GetProperty("never").GetInt32(),
        r.GetProperty("title").GetString()!);
}
