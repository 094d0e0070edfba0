using Spawn.Core.State;

namespace Spawn.Core.Tests.State;

public sealed class JobStateTableTests
{
    [Fact]
    public void A_snapshot_keeps_the_states_it_was_taken_with_while_the_table_changes()
    {
        var table = Filled(200);
        var before = table.Snapshot();

        table[5] = table[5] with { Status = JobStatus.Running };
        table[130] = table[130] with { Attempt = 2 };
        var after = table.Snapshot();

        Assert.Equal(JobStatus.Pending, before[5].Status);
        Assert.Equal(0, before[130].Attempt);
        Assert.Equal(JobStatus.Running, after[5].Status);
        Assert.Equal(2, after[130].Attempt);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"job{i}"), after.Select(j => j.JobId));
    }

    [Fact]
    public void A_long_error_message_is_stored_bounded_and_the_whole_text_stays_at_hand_for_the_log()
    {
        var table = Filled(3);
        var full = "boom " + new string('x', 10_000);

        table[1] = table[1] with { Status = JobStatus.Failed, ErrorMessage = full };

        Assert.Equal(BoundedText.Stored(full), table[1].ErrorMessage);
        Assert.True(table.Snapshot()[1].ErrorMessage!.Length < BoundedText.StoredLimit + 100);
        Assert.Equal(full, table.ErrorInFull(1));
        Assert.Null(table.ErrorInFull(0));

        // Once the job's state changes again, the stored text is the one to log.
        table[1] = table[1] with { ErrorMessage = "short" };
        Assert.Equal("short", table.ErrorInFull(1));
    }

    [Fact]
    public void The_scheduler_bounds_a_failed_jobs_reason_and_the_queues_error()
    {
        var queue = Spawn.Core.Tests.Scheduling.Queues.Of(Spawn.Core.Tests.Scheduling.Queues.Job("a"));
        var at = new DateTimeOffset(2026, 1, 22, 14, 5, 30, TimeSpan.Zero);
        var scheduler = new Spawn.Core.Scheduling.QueueScheduler(queue, saved: null, at, () => 0.5);
        var reason = "command execution failed: " + new string('z', 50_000);

        scheduler.Begin(at);
        scheduler.Apply(new Spawn.Core.Scheduling.SchedulerEvent.Started("a", 1, at));
        scheduler.Apply(new Spawn.Core.Scheduling.SchedulerEvent.Exited("a", 3, reason, at));

        var stored = scheduler.Snapshot().Jobs[0].ErrorMessage!;
        Assert.True(stored.Length < BoundedText.StoredLimit + 100, $"{stored.Length} characters");
        Assert.Contains("more characters; the full text is in the agent's log", stored, StringComparison.Ordinal);
        Assert.StartsWith(reason, scheduler.ErrorInFull("a"), StringComparison.Ordinal);
        Assert.True(scheduler.Snapshot().ErrorMessage!.Length <= BoundedText.StoredLimit + 100);
    }

    [Fact]
    public void ChangedSince_names_exactly_the_positions_that_differ_across_blocks()
    {
        var table = Filled(JobStateTable.BlockSize * 3 + 7);
        var before = table.Snapshot();
        foreach (var i in new[] { 0, 63, 64, 198 })
        {
            table[i] = table[i] with { Status = JobStatus.Completed };
        }

        table[100] = table[100] with { }; // an equal copy is no change

        Assert.Equal([0, 63, 64, 198], table.Snapshot().ChangedSince(before));
    }

    private static JobStateTable Filled(int count)
    {
        var table = new JobStateTable(count);
        for (var i = 0; i < count; i++)
        {
            table[i] = JobState.NotStarted($"job{i}");
        }

        return table;
    }
}
