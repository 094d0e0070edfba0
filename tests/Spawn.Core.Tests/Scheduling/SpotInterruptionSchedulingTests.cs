using Spawn.Core.Ports;
using Spawn.Core.Running;
using Spawn.Core.Scheduling;
using Spawn.Core.State;
using static Spawn.Core.Tests.Scheduling.Queues;

namespace Spawn.Core.Tests.Scheduling;

/// <summary>The scheduler's and the state's side of a spot interruption notice, and of a queue moved to a new machine.</summary>
public sealed class SpotInterruptionSchedulingTests
{
    private const string Reason = "interrupted by a spot interruption notice (EC2 will stop the instance at 2026-01-22T14:07:30.000Z); …";

    [Fact]
    public void The_cut_short_attempt_uses_none_of_max_attempts_and_the_queue_reads_interrupted_until_a_run_resumes_it()
    {
        var driver = new SchedulerDriver(Of(Job("a"), Job("b", "a").WithRetry(2)));
        driver.Scheduler.Apply(new SchedulerEvent.Started("a", 1, driver.Now));
        driver.Scheduler.Apply(new SchedulerEvent.Exited("a", 0, null, driver.Now));
        driver.Scheduler.Apply(new SchedulerEvent.Started("b", 1, driver.Now));

        driver.Scheduler.Apply(new SchedulerEvent.Interrupted("b", "attempt 1 interrupted by a spot interruption notice", CountsAsCrash: false, driver.Now));
        driver.Scheduler.Apply(new SchedulerEvent.QueueInterrupted(Reason, driver.Now));

        var state = driver.Scheduler.Snapshot();
        Assert.Equal((QueueStatus.Interrupted, Reason), (state.Status, state.ErrorMessage));
        Assert.Equal((JobStatus.Pending, 0, 0), (state.Job("b").Status, state.Job("b").Attempt, state.Job("b").Interruptions));

        var resumed = new QueueScheduler(driver.Scheduler.Queue, state, driver.Now, () => 0.5);
        resumed.Begin(driver.Now);
        Assert.Equal((QueueStatus.Running, null), (resumed.Status, resumed.Snapshot().ErrorMessage));
        Assert.Equal(new SchedulerDecision.StartJob("b", 1), resumed.Next(driver.Now));
    }

    [Fact]
    public void The_grace_after_a_notice_is_the_jobs_own_unless_the_uploads_would_not_fit_before_the_action()
    {
        var seen = new DateTimeOffset(2026, 1, 22, 14, 5, 30, TimeSpan.Zero);
        var notice = new InterruptionNotice("stop", seen.AddMinutes(2), seen);

        Assert.Equal(TimeSpan.FromSeconds(30), notice.GraceFor(TimeSpan.FromSeconds(30), seen));
        Assert.Equal(TimeSpan.FromSeconds(75), notice.GraceFor(TimeSpan.FromMinutes(10), seen));
        Assert.Equal(InterruptionNotice.MinimumGrace, notice.GraceFor(TimeSpan.FromMinutes(10), seen.AddMinutes(2)));
    }

    [Fact]
    public void A_new_machine_keeps_completed_jobs_and_reruns_the_one_that_was_running_without_counting_it()
    {
        var at = new DateTimeOffset(2026, 1, 22, 14, 0, 0, TimeSpan.Zero);
        var stored = new QueueState("q1", "q1", QueueStatus.Running, at, at,
        [
            new JobState("a", JobStatus.Completed, 1, at, at, 0, ResultsUploaded: true),
            new JobState("b", JobStatus.Running, 2, at, Pid: 4242, PidStartTime: 99),
            new JobState("c", JobStatus.Pending, 0),
        ], Instance: new InstanceIdentity("i-0old", "us-east-1", "m5.large"));

        var reopened = QueueReopening.ForNewMachine(stored, newChance: false);

        Assert.Equal(QueueStatus.Running, reopened.Status);
        Assert.Equal(stored.Job("a"), reopened.Job("a"));
        Assert.Equal((JobStatus.Pending, 1, null), (reopened.Job("b").Status, reopened.Job("b").Attempt, reopened.Job("b").Pid));
        Assert.Equal("attempt 2 was lost with instance i-0old; it runs again", reopened.Job("b").ErrorMessage);
        Assert.Equal(stored.Job("c"), reopened.Job("c"));
    }

    [Fact]
    public void Spawn_queue_resume_gives_failed_and_skipped_jobs_a_new_chance_but_a_replacement_instance_does_not()
    {
        var at = new DateTimeOffset(2026, 1, 22, 14, 0, 0, TimeSpan.Zero);
        var stored = new QueueState("q1", "q1", QueueStatus.Failed, at, at,
        [
            new JobState("a", JobStatus.Completed, 1, at, at, 0, ResultsUploaded: true),
            new JobState("b", JobStatus.Failed, 3, at, at, 1, ErrorMessage: "exit status 1"),
            new JobState("c", JobStatus.Skipped, 0, ErrorMessage: "skipped: b failed"),
        ], "1 of 3 jobs failed (b); 1 skipped");

        Assert.Same(stored, QueueReopening.ForNewMachine(stored, newChance: false));
        var reopened = QueueReopening.ForNewMachine(stored, newChance: true);

        Assert.Equal((QueueStatus.Running, null), (reopened.Status, reopened.ErrorMessage));
        Assert.Equal(stored.Job("a"), reopened.Job("a"));
        Assert.All(new[] { reopened.Job("b"), reopened.Job("c") }, job => Assert.Equal((JobStatus.Pending, 0, null, null), (job.Status, job.Attempt, job.ExitCode, job.ErrorMessage)));
    }
}
