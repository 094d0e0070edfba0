using Spawn.Core.Model;
using Spawn.Core.Scheduling;
using Spawn.Core.State;
using static Spawn.Core.Tests.Scheduling.Queues;

namespace Spawn.Core.Tests.Scheduling;

/// <summary>The scheduler's side of <c>spawn queue cancel</c>: what a cancel request makes of every job.</summary>
public sealed class CancelSchedulingTests
{
    private const string Reason = "cancelled by spawn queue cancel (requested at 2026-01-22T14:05:30.000Z)";

    [Fact]
    public void The_stopped_job_fails_with_its_exit_code_and_every_job_that_had_not_run_is_skipped()
    {
        var driver = new SchedulerDriver(Of(FailurePolicy.Continue, Job("a"), Job("b", "a"), Job("c"), Job("d", "b")));
        driver.Scheduler.Apply(new SchedulerEvent.Started("a", 1, driver.Now));
        driver.Scheduler.Apply(new SchedulerEvent.Exited("a", 0, null, driver.Now));
        driver.Scheduler.Apply(new SchedulerEvent.Started("b", 1, driver.Now));

        driver.Scheduler.Apply(new SchedulerEvent.CancelRequested(Reason, driver.Now));
        Assert.IsType<SchedulerDecision.WaitForRunningJobs>(driver.Scheduler.Next(driver.Now));
        Assert.Equal(QueueStatus.Running, driver.Scheduler.Status);
        driver.Scheduler.Apply(new SchedulerEvent.Stopped("b", 143, $"stopped: {Reason}", driver.Now));

        var state = driver.Scheduler.Snapshot();
        Assert.IsType<SchedulerDecision.Finished>(driver.Scheduler.Next(driver.Now));
        Assert.Equal([JobStatus.Completed, JobStatus.Failed, JobStatus.Skipped, JobStatus.Skipped], state.Jobs.Select(j => j.Status));
        Assert.Equal((143, $"stopped: {Reason}"), (state.Job("b").ExitCode, state.Job("b").ErrorMessage));
        Assert.Equal($"skipped: {Reason}", state.Job("c").ErrorMessage);
        Assert.Equal(QueueStatus.Failed, state.Status);
        Assert.Equal($"{Reason}; 1 of 4 jobs failed (b); 2 skipped", state.ErrorMessage);
    }

    [Fact]
    public void A_stopped_job_fails_even_if_its_command_exited_0_on_the_signal_and_is_never_retried()
    {
        var driver = new SchedulerDriver(Of(Job("a").WithRetry(5)));
        driver.Scheduler.Apply(new SchedulerEvent.Started("a", 1, driver.Now));

        driver.Scheduler.Apply(new SchedulerEvent.CancelRequested(Reason, driver.Now));
        driver.Scheduler.Apply(new SchedulerEvent.Stopped("a", 0, $"stopped: {Reason}", driver.Now));

        var job = driver.Scheduler.Job("a");
        Assert.Equal((JobStatus.Failed, 0, null), (job.Status, job.ExitCode, job.RetryAt));
        Assert.IsType<SchedulerDecision.Finished>(driver.Scheduler.Next(driver.Now));
    }

    [Fact]
    public void A_job_waiting_for_its_retry_stays_failed_and_is_not_retried()
    {
        var driver = new SchedulerDriver(Of(Job("a").WithRetry(3), Job("b", "a")));
        driver.Scheduler.Apply(new SchedulerEvent.Started("a", 1, driver.Now));
        driver.Scheduler.Apply(new SchedulerEvent.Exited("a", 1, null, driver.Now));
        Assert.IsType<SchedulerDecision.WaitUntil>(driver.Scheduler.Next(driver.Now));

        driver.Scheduler.Apply(new SchedulerEvent.CancelRequested(Reason, driver.Now));

        var state = driver.Scheduler.Snapshot();
        Assert.IsType<SchedulerDecision.Finished>(driver.Scheduler.Next(driver.Now));
        Assert.Equal((JobStatus.Failed, null), (state.Job("a").Status, state.Job("a").RetryAt));
        Assert.EndsWith($"not retried: {Reason}", state.Job("a").ErrorMessage);
        Assert.Equal(JobStatus.Skipped, state.Job("b").Status);
        Assert.StartsWith(Reason, state.ErrorMessage);
    }

    [Fact]
    public void A_cancelled_state_resumes_as_an_ended_queue()
    {
        var queue = Of(Job("a"), Job("b", "a"));
        var first = new SchedulerDriver(queue);
        first.Scheduler.Apply(new SchedulerEvent.Started("a", 1, first.Now));
        first.Scheduler.Apply(new SchedulerEvent.CancelRequested(Reason, first.Now));
        first.Scheduler.Apply(new SchedulerEvent.Stopped("a", 143, $"stopped: {Reason}", first.Now));

        var resumed = new QueueScheduler(queue, first.Scheduler.Snapshot(), first.Now, () => 0.5);

        Assert.Equal(QueueStatus.Failed, resumed.Status);
        Assert.IsType<SchedulerDecision.Finished>(resumed.Next(first.Now));
    }
}
