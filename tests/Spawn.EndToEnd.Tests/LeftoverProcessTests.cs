using Spawn.Core.State;

namespace Spawn.EndToEnd.Tests;

/// <summary>
/// No process outlives its job: whatever a job starts — in its process group or out of it (setsid, job control,
/// nohup, double forks) — is stopped when the job ends, however it ends, and the job's log says so.
/// </summary>
public sealed class LeftoverProcessTests : IDisposable
{
    private readonly Workspace _ws = new();
    private readonly string _marker = $"7{Random.Shared.Next(100000, 999999)}";

    public void Dispose()
    {
        foreach (var pid in Posix.ProcessesWith($"sleep {_marker}"))
        {
            Posix.kill(pid, Posix.SIGKILL);
        }

        _ws.Dispose();
    }

    /// <summary>Four ways out of the process group, one that stays in it, and a background writer into the job's log.</summary>
    private string LeakyCommand() =>
        $"setsid sleep {_marker} & (sleep {_marker} &) ; nohup sleep {_marker} >/dev/null 2>&1 & "
        + $"set -m; sleep {_marker} & set +m; sleep {_marker} & "
        + $"setsid bash -c 'while :; do echo tick; sleep 0.05; done' & sleep 0.2; echo done";

    [Fact]
    public async Task A_job_that_exits_0_leaves_nothing_running_whatever_it_started_and_its_log_says_so()
    {
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "leaky", "kill_grace": "2s", "jobs": [
              {"job_id": "leaky", "timeout": "1m", "command": "{{LeakyCommand()}}"},
              {"job_id": "after", "timeout": "1m", "depends_on": ["leaky"], "command": "echo after"}]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(Posix.ProcessesWith($"sleep {_marker}"));
        Assert.Empty(Posix.ProcessesWith("bash -c while :; do echo tick"));
        Assert.Matches("spored: the job ended, [67] of its processes still ran; stopped them", _ws.Log("leaky", "stderr"));
        Assert.Equal("cgroup", _ws.State().JobProcesses);
        var status = await _ws.SpawnAsync("queue", "status", _ws.StateFile);
        Assert.Contains("Processes:   one cgroup per job", status.Stdout);

        // Nothing writes into the job's log once the queue has ended.
        var log = _ws.Log("leaky");
        await Task.Delay(300);
        Assert.Equal(log, _ws.Log("leaky"));
    }

    [Fact]
    public async Task Without_cgroups_what_stays_in_the_jobs_process_group_is_stopped_and_status_says_process_group()
    {
        _ws.Environment["SPAWN_CGROUPS"] = "off";
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "grouped", "kill_grace": "2s", "jobs": [
              {"job_id": "leaky", "timeout": "1m", "command": "sleep {{_marker}} & (sleep {{_marker}} &); echo done"}]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("without a cgroup (SPAWN_CGROUPS=off)", run.Stderr);
        Assert.Empty(Posix.ProcessesWith($"sleep {_marker}"));
        Assert.Contains("spored: the job ended, 2 of its processes still ran; stopped them", _ws.Log("leaky", "stderr"));
        Assert.Equal("process group", _ws.State().JobProcesses);
    }

    [Fact]
    public async Task A_timed_out_job_is_stopped_with_everything_that_left_its_process_group()
    {
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "leakytimeout", "kill_grace": "1s", "jobs": [
              {"job_id": "slow", "timeout": "1s", "command": "setsid sleep {{_marker}} & set -m; sleep {{_marker}} & set +m; sleep {{_marker}}"}]}
            """);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(124, _ws.State().Job("slow").ExitCode);
        Assert.Empty(Posix.ProcessesWith($"sleep {_marker}"));
    }

    [Fact]
    public async Task A_job_whose_leftovers_ignore_SIGTERM_is_done_once_they_are_killed_after_the_grace()
    {
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "stubborn", "kill_grace": "1s", "jobs": [
              {"job_id": "stubborn", "timeout": "1m", "command": "setsid bash -c 'trap \"\" TERM; exec sleep {{_marker}}' & sleep 0.2"}]}
            """);

        var started = DateTime.UtcNow;
        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(Posix.ProcessesWith($"sleep {_marker}"));
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        Assert.Contains("1 of its processes still ran; stopped them (SIGTERM, then SIGKILL after 1s)", _ws.Log("stubborn", "stderr"));
        Assert.Equal(JobStatus.Completed, _ws.State().Job("stubborn").Status);
    }
}
