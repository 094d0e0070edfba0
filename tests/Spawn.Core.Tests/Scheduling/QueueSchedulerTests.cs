using Spawn.Core.Model;
using Spawn.Core.Scheduling;
using Spawn.Core.State;
using static Spawn.Core.Tests.Scheduling.Queues;

namespace Spawn.Core.Tests.Scheduling;

public sealed class QueueSchedulerTests
{
    [Fact]
    public void A_linear_chain_runs_in_dependency_order_and_completes()
    {
        var driver = new SchedulerDriver(Of(Job("step1"), Job("step2", "step1"), Job("step3", "step2")));

        var state = driver.RunToEnd();

        Assert.Equal(["step1#1", "step2#1", "step3#1"], driver.Started);
        Assert.Equal(QueueStatus.Completed, state.Status);
        Assert.All(state.Jobs, j => Assert.Equal((JobStatus.Completed, 0, 1), (j.Status, j.ExitCode, j.Attempt)));
        Assert.Null(state.ErrorMessage);
    }

    [Fact]
    public void Among_ready_jobs_the_earliest_in_the_file_runs_first()
    {
        var driver = new SchedulerDriver(Of(Job("merge", "branch_b", "branch_a"), Job("branch_b", "start"), Job("start"), Job("branch_a", "start")));

        driver.RunToEnd();

        Assert.Equal(["start#1", "branch_b#1", "branch_a#1", "merge#1"], driver.Started);
    }

    [Fact]
    public void A_job_that_fails_twice_is_retried_after_one_then_two_seconds_and_completes_on_attempt_three()
    {
        var driver = new SchedulerDriver(Of(Job("flaky").WithRetry(3), Job("after", "flaky"))).Exits("flaky", 1, 1);

        var state = driver.RunToEnd();

        Assert.Equal(["flaky#1", "flaky#2", "flaky#3", "after#1"], driver.Started);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], driver.Waits);
        Assert.Equal((JobStatus.Completed, 3), (state.Job("flaky").Status, state.Job("flaky").Attempt));
        Assert.Equal(QueueStatus.Completed, state.Status);
    }

    [Fact]
    public void A_failed_attempt_waiting_for_its_retry_says_when_and_why()
    {
        var driver = new SchedulerDriver(Of(Job("flaky").WithRetry(3)));
        driver.Scheduler.Apply(new SchedulerEvent.Started("flaky", 1, driver.Now));
        driver.Scheduler.Apply(new SchedulerEvent.Exited("flaky", 1, null, driver.Now));

        var job = driver.Scheduler.Job("flaky");

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal(driver.Now + TimeSpan.FromSeconds(1), job.RetryAt);
        Assert.Equal("command execution failed: exit status 1 (attempt 1 of 3); retrying in 1s", job.ErrorMessage);
        Assert.Equal(QueueStatus.Running, driver.Scheduler.Status);
    }

    [Fact]
    public void Fixed_backoff_waits_five_seconds_between_attempts()
    {
        var driver = new SchedulerDriver(Of(Job("api").WithRetry(3, Spawn.Core.Retry.BackoffStrategy.Fixed))).Exits("api", 7, 7, 7);

        var state = driver.RunToEnd();

        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)], driver.Waits);
        Assert.Equal((JobStatus.Failed, 3, 7), (state.Job("api").Status, state.Job("api").Attempt, state.Job("api").ExitCode));
        Assert.Contains("no attempts left", state.Job("api").ErrorMessage);
    }

    [Fact]
    public void An_exit_code_listed_in_dont_retry_on_codes_fails_at_once()
    {
        var driver = new SchedulerDriver(Of(Job("j").WithRetry(5, dontRetryOn: [2]))).Exits("j", 2);

        var state = driver.RunToEnd();

        Assert.Equal(["j#1"], driver.Started);
        Assert.Equal(QueueStatus.Failed, state.Status);
        Assert.Contains("exit code 2 is not retried", state.Job("j").ErrorMessage);
    }

    [Fact]
    public void On_failure_stop_skips_every_job_that_has_not_run()
    {
        var driver = new SchedulerDriver(Of(FailurePolicy.Stop, Job("validate"), Job("process", "validate"), Job("export", "process"), Job("other"))).Exits("validate", 1);

        var state = driver.RunToEnd();

        Assert.Equal(["validate#1"], driver.Started);
        Assert.Equal([JobStatus.Failed, JobStatus.Skipped, JobStatus.Skipped, JobStatus.Skipped], state.Jobs.Select(j => j.Status));
        Assert.Equal(QueueStatus.Failed, state.Status);
        Assert.StartsWith("job validate failed", state.ErrorMessage);
    }

    [Fact]
    public void On_failure_continue_skips_only_the_transitive_dependents_of_the_failed_job()
    {
        var driver = new SchedulerDriver(Of(FailurePolicy.Continue,
            Job("model_a"), Job("model_b"), Job("ensemble", "model_a", "model_b"), Job("report", "ensemble"), Job("lint"))).Exits("model_a", 1);

        var state = driver.RunToEnd();

        Assert.Equal(["model_a#1", "model_b#1", "lint#1"], driver.Started);
        Assert.Equal(
            [JobStatus.Failed, JobStatus.Completed, JobStatus.Skipped, JobStatus.Skipped, JobStatus.Completed],
            state.Jobs.Select(j => j.Status));
        Assert.Equal("skipped: depends on failed job model_a", state.Job("report").ErrorMessage);
        Assert.Equal("1 of 5 jobs failed (model_a); 2 skipped", state.ErrorMessage);
    }

    [Fact]
    public void An_interrupted_attempt_does_not_use_up_an_attempt()
    {
        var driver = new SchedulerDriver(Of(Job("train")));
        driver.Scheduler.Apply(new SchedulerEvent.Started("train", 1, driver.Now));
        driver.Scheduler.Apply(new SchedulerEvent.Interrupted("train", "agent died", CountsAsCrash: true, driver.Now));

        Assert.Equal(new SchedulerDecision.StartJob("train", 1), driver.Scheduler.Next(driver.Now));
        Assert.Equal((JobStatus.Pending, 0, 1), (driver.Scheduler.Job("train").Status, driver.Scheduler.Job("train").Attempt, driver.Scheduler.Job("train").Interruptions));
    }

    [Fact]
    public void A_job_interrupted_by_four_crashes_fails_so_a_crash_loop_ends()
    {
        var driver = new SchedulerDriver(Of(Job("train"), Job("next", "train")));
        for (var crash = 1; crash <= 4; crash++)
        {
            driver.Scheduler.Apply(new SchedulerEvent.Started("train", 1, driver.Now));
            driver.Scheduler.Apply(new SchedulerEvent.Interrupted("train", "agent died", CountsAsCrash: true, driver.Now));
        }

        Assert.Equal(JobStatus.Failed, driver.Scheduler.Job("train").Status);
        Assert.Contains("interrupted 4 times", driver.Scheduler.Job("train").ErrorMessage);
        Assert.Equal(JobStatus.Skipped, driver.Scheduler.Job("next").Status);
        Assert.IsType<SchedulerDecision.Finished>(driver.Scheduler.Next(driver.Now));
    }

    [Fact]
    public void Global_timeout_skips_pending_jobs_and_fails_the_queue_with_the_reason()
    {
        var driver = new SchedulerDriver(Of(Job("a"), Job("b", "a"), Job("c", "b")));
        driver.Scheduler.Apply(new SchedulerEvent.Started("a", 1, driver.Now));
        driver.Scheduler.Apply(new SchedulerEvent.GlobalTimeoutExpired("global_timeout 15m exceeded", driver.Now));
        driver.Scheduler.Apply(new SchedulerEvent.Exited("a", 124, "stopped: global_timeout 15m exceeded", driver.Now));

        var state = driver.Scheduler.Snapshot();

        Assert.IsType<SchedulerDecision.Finished>(driver.Scheduler.Next(driver.Now));
        Assert.Equal([JobStatus.Failed, JobStatus.Skipped, JobStatus.Skipped], state.Jobs.Select(j => j.Status));
        Assert.Equal(QueueStatus.Failed, state.Status);
        Assert.StartsWith("global_timeout 15m exceeded", state.ErrorMessage);
    }

    [Fact]
    public void A_resumed_queue_never_runs_a_completed_job_again()
    {
        var queue = Of(Job("a"), Job("b", "a").WithRetry(3), Job("c", "b"));
        var first = new SchedulerDriver(queue).Exits("b", 1);
        first.Scheduler.Apply(new SchedulerEvent.Started("a", 1, first.Now));
        first.Scheduler.Apply(new SchedulerEvent.Exited("a", 0, null, first.Now));
        first.Scheduler.Apply(new SchedulerEvent.Started("b", 1, first.Now));
        first.Scheduler.Apply(new SchedulerEvent.Exited("b", 1, null, first.Now));
        var saved = first.Scheduler.Snapshot();

        var resumed = new SchedulerDriver(queue, saved);
        var state = resumed.RunToEnd();

        Assert.Equal(["b#2", "c#1"], resumed.Started);
        Assert.Equal(QueueStatus.Completed, state.Status);
        Assert.Equal(saved.StartedAt, state.StartedAt);
    }

    [Fact]
    public void Results_collected_are_recorded_and_their_problems_kept()
    {
        var driver = new SchedulerDriver(Of(Job("a")));
        driver.RunToEnd();
        driver.Scheduler.Apply(new SchedulerEvent.ResultsCollected("a", true, "result_paths[0] \"/x/*.pt\" matched no file", driver.Now));

        var job = driver.Scheduler.Job("a");

        Assert.True(job.ResultsUploaded);
        Assert.Equal("results: result_paths[0] \"/x/*.pt\" matched no file", job.ErrorMessage);
        Assert.Equal(QueueStatus.Completed, driver.Scheduler.Status);
    }

    [Fact]
    public void A_failed_job_whose_logs_went_up_has_no_results_uploaded()
    {
        var driver = new SchedulerDriver(Of(Job("a"))).Exits("a", 1);
        driver.RunToEnd();
        driver.Scheduler.Apply(new SchedulerEvent.ResultsCollected("a", true, null, driver.Now));

        var job = driver.Scheduler.Job("a");

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.False(job.ResultsUploaded);
    }
}
