using Spawn.Core.Scheduling;
using Spawn.Core.State;
using static Spawn.Core.Tests.Scheduling.Queues;

namespace Spawn.Core.Tests.Scheduling;

public sealed class AttemptHistoryTests
{
    [Fact]
    public void A_job_that_ran_once_carries_no_history()
    {
        var state = new SchedulerDriver(Of(Job("once"))).RunToEnd();

        Assert.Null(state.Job("once").EarlierAttempts);
    }

    [Fact]
    public void Each_retried_attempt_keeps_its_times_exit_code_and_outcome_and_the_current_one_stays_in_the_jobs_fields()
    {
        var driver = new SchedulerDriver(Of(Job("flaky").WithRetry(3))).Exits("flaky", 3, 4);
        var start = driver.Now;

        var job = driver.RunToEnd().Job("flaky");

        // Attempt 1: 1 s, backoff 1 s; attempt 2: 1 s, backoff 2 s; attempt 3 completes.
        Assert.Equal(
            [new AttemptRecord(1, start, start.AddSeconds(1), 3, AttemptOutcome.Failed), new AttemptRecord(2, start.AddSeconds(2), start.AddSeconds(3), 4, AttemptOutcome.Failed)],
            job.EarlierAttempts!.Kept);
        Assert.Equal((3, start.AddSeconds(5), AttemptOutcome.Completed), (job.Attempt, job.StartedAt!.Value, AttemptOutcomes.Current(job)));
    }

    [Fact]
    public void An_interrupted_attempt_is_recorded_as_interrupted_and_its_rerun_reuses_the_number()
    {
        var driver = new SchedulerDriver(Of(Job("long")));
        var scheduler = driver.Scheduler;
        var start = driver.Now;
        scheduler.Apply(new SchedulerEvent.Started("long", 1, start));
        scheduler.Apply(new SchedulerEvent.Interrupted("long", "the agent died", CountsAsCrash: true, start.AddSeconds(7)));
        scheduler.Apply(new SchedulerEvent.Started("long", 1, start.AddSeconds(9)));
        scheduler.Apply(new SchedulerEvent.Exited("long", 0, null, start.AddSeconds(10)));

        var job = scheduler.Job("long");

        Assert.Equal([new AttemptRecord(1, start, start.AddSeconds(7), null, AttemptOutcome.Interrupted)], job.EarlierAttempts!.Kept);
        Assert.Equal((1, JobStatus.Completed), (job.Attempt, job.Status));
    }

    [Fact]
    public void A_timed_out_attempt_is_told_from_a_failure_and_from_a_stop()
    {
        var driver = new SchedulerDriver(Of(Job("slow").WithRetry(2)));
        var scheduler = driver.Scheduler;
        scheduler.Apply(new SchedulerEvent.Started("slow", 1, driver.Now));
        scheduler.Apply(new SchedulerEvent.Exited("slow", 124, "timed out after 2s", driver.Now.AddSeconds(2)));
        scheduler.Apply(new SchedulerEvent.Started("slow", 2, driver.Now.AddSeconds(3)));
        scheduler.Apply(new SchedulerEvent.Stopped("slow", 143, "stopped: cancelled by spawn queue cancel", driver.Now.AddSeconds(4)));

        var job = scheduler.Job("slow");

        Assert.Equal(AttemptOutcome.TimedOut, Assert.Single(job.EarlierAttempts!.Kept).Outcome);
        Assert.Equal(AttemptOutcome.Stopped, AttemptOutcomes.Current(job));
    }

    [Fact]
    public void A_job_retried_a_thousand_times_keeps_the_first_and_the_last_attempts_and_counts_the_rest()
    {
        var driver = new SchedulerDriver(Of(Job("flapping").WithRetry(1000))).Exits("flapping", [.. Enumerable.Repeat(1, 999)]);

        var job = driver.RunToEnd().Job("flapping");

        var history = job.EarlierAttempts!;
        Assert.Equal([1, 996, 997, 998, 999], history.Kept.Select(a => a.Attempt));
        Assert.Equal(999 - EarlierAttempts.KeepFirst - EarlierAttempts.KeepLast, history.Dropped); // attempts 2 … 995
        Assert.Equal(1000, job.Attempt);
    }
}
