using Spawn.Core.Reporting;
using Spawn.Core.Scheduling;
using Spawn.Core.State;
using Spawn.Core.Tests.Scheduling;
using static Spawn.Core.Tests.Scheduling.Queues;

namespace Spawn.Core.Tests.Reporting;

public sealed class RunReportBuilderTests
{
    [Fact]
    public void Every_attempt_becomes_a_bar_with_the_backoffs_between_them()
    {
        var queue = Of(Job("flaky").WithRetry(3), Job("after", "flaky"));
        var driver = new SchedulerDriver(queue).Exits("flaky", 1, 1);
        var start = driver.Now;

        var report = RunReportBuilder.Build(driver.RunToEnd(), queue, pricePerHour: null);

        var flaky = report.Rows[0];
        Assert.Equal([(1, AttemptOutcome.Failed), (2, AttemptOutcome.Failed), (3, AttemptOutcome.Completed)], flaky.Attempts.Select(a => (a.Attempt, a.Outcome)));
        Assert.Equal([new ReportWait(start.AddSeconds(1), start.AddSeconds(2)), new ReportWait(start.AddSeconds(3), start.AddSeconds(5))], flaky.Waits);
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6)), (flaky.Busy, flaky.Span));
        Assert.Equal((2, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)), (report.Retries, report.RetryTime, report.Backoff));
        Assert.Equal((TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(3)), (report.Busy, report.Idle));
    }

    [Fact]
    public void The_critical_path_is_the_longest_chain_by_span_through_the_graph()
    {
        // prep → (short | long) → merge; long retries once, so its span is longer than short's.
        var queue = Of(FailurePolicy(), Job("prep"), Job("short", "prep"), Job("long", "prep").WithRetry(2), Job("merge", "short", "long"), Job("lone"));
        var state = new SchedulerDriver(queue).Exits("long", 1).RunToEnd();

        var report = RunReportBuilder.Build(state, queue, pricePerHour: null);

        Assert.Equal(["prep", "long", "merge"], report.CriticalPath);
        Assert.Equal(TimeSpan.FromSeconds(1 + 3 + 1), report.CriticalPathLength);
    }

    [Fact]
    public void Without_the_queue_file_the_critical_path_is_the_longest_job()
    {
        var queue = Of(Job("a"), Job("b", "a").WithRetry(2));
        var state = new SchedulerDriver(queue).Exits("b", 1).RunToEnd();

        var report = RunReportBuilder.Build(state, queue: null, pricePerHour: null);

        Assert.False(report.DependenciesKnown);
        Assert.Equal(["b"], report.CriticalPath);
    }

    [Fact]
    public void Jobs_that_never_ran_have_no_bars_and_the_slowest_are_those_that_ran_longest()
    {
        var queue = Of(Job("fails"), Job("never", "fails"), Job("other"));
        var state = new SchedulerDriver(queue).Exits("fails", 2).RunToEnd();

        var report = RunReportBuilder.Build(state, queue, pricePerHour: null);

        Assert.Equal([JobStatus.Failed, JobStatus.Skipped, JobStatus.Skipped], report.Rows.Select(r => r.Status));
        Assert.Empty(report.Rows[1].Attempts);
        Assert.Equal(["fails"], report.Slowest(5).Select(r => r.JobId));
    }

    [Fact]
    public void A_running_attempt_ends_at_the_states_last_update_and_a_planned_retry_shows_as_a_wait()
    {
        var queue = Of(Job("a").WithRetry(2), Job("b"));
        var driver = new SchedulerDriver(queue);
        var t = driver.Now;
        driver.Scheduler.Apply(new SchedulerEvent.Started("a", 1, t));
        driver.Scheduler.Apply(new SchedulerEvent.Exited("a", 1, null, t.AddSeconds(4)));

        var waiting = RunReportBuilder.Build(driver.Scheduler.Snapshot(), queue, null).Rows[0];
        driver.Scheduler.Apply(new SchedulerEvent.Started("a", 2, t.AddSeconds(5)));
        driver.Scheduler.Apply(new SchedulerEvent.ProcessStarted("a", 42, 1, t.AddSeconds(8)));
        var running = RunReportBuilder.Build(driver.Scheduler.Snapshot(), queue, null).Rows[0];

        Assert.Equal([new ReportWait(t.AddSeconds(4), t.AddSeconds(5))], waiting.Waits);
        Assert.Equal((AttemptOutcome.Running, t.AddSeconds(8)), (running.Attempts[^1].Outcome, running.Attempts[^1].End));
    }

    [Fact]
    public void The_cost_is_the_wall_time_at_the_price_per_hour()
    {
        var start = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var state = new QueueState("q", "q", QueueStatus.Completed, start, start.AddMinutes(90), [],
            Instance: new InstanceIdentity("i-0abc", "us-east-1", "g5.xlarge"));

        var report = RunReportBuilder.Build(state, null, pricePerHour: 1.006m);

        Assert.Equal(new RunCost(1.006m, 1.509m), report.Cost);
        Assert.Equal("g5.xlarge", report.Instance!.InstanceType);
    }

    private static Spawn.Core.Model.FailurePolicy FailurePolicy() => Spawn.Core.Model.FailurePolicy.Continue;
}
