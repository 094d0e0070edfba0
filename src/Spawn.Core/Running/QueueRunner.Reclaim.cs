using Spawn.Core.Ports;
using Spawn.Core.Scheduling;
using Spawn.Core.State;

namespace Spawn.Core.Running;

/// <summary>
/// Jobs an earlier agent left running: adopted, given their recorded exit, or run again; and jobs nothing watches
/// when the queue is stopped, found the same way and stopped.
/// </summary>
public sealed partial class QueueRunner
{
    /// <summary>Decides what became of a job an earlier agent left running.</summary>
    private async Task ReclaimAsync(QueueScheduler scheduler, JobState job, CancellationToken cancellationToken)
    {
        var launch = LaunchFor(scheduler.Definition(job.JobId), job.Attempt);
        var found = await executor.AdoptAsync(launch, job.Pid ?? 0, job.PidStartTime ?? 0, cancellationToken).ConfigureAwait(false);
        switch (found)
        {
            case AdoptionResult.StillRunning still when _steps is not null:
                Report(scheduler, RunEventKind.JobAdopted, job.JobId, $"{job.JobId} still running (pid {still.Job.Pid}): adopted");
                Supervise(scheduler, job.JobId, still.Job, job.StartedAt ?? clock.GetUtcNow(), scheduler.StartedAt + queue.GlobalTimeout,
                    _slots!.Adopt(scheduler.Definition(job.JobId), job.GpuDevices), cancellationToken);
                break;
            case AdoptionResult.StillRunning still:
                await using (still.Job.ConfigureAwait(false))
                {
                    Report(scheduler, RunEventKind.JobAdopted, job.JobId, $"{job.JobId} still running (pid {still.Job.Pid}): adopted");
                    var startedAt = job.StartedAt ?? clock.GetUtcNow();
                    var (ending, code) = await SuperviseAsync(scheduler, job.JobId, still.Job, startedAt, scheduler.StartedAt + queue.GlobalTimeout, cancellationToken).ConfigureAwait(false);
                    await FinishAsync(scheduler, job.JobId, ending, code, cancellationToken).ConfigureAwait(false);
                }

                break;
            case AdoptionResult.FinishedWhileAway finished:
                await FinishAttemptAsync(scheduler, job.JobId, finished.ExitCode, "finished while the agent was down", cancellationToken).ConfigureAwait(false);
                if (finished.ExitCode == 0)
                {
                    await ReclaimFollowersAsync(scheduler, launch, cancellationToken).ConfigureAwait(false);
                }

                break;
            case AdoptionResult.NeverStarted:
                // Not a crash of the job: a crash loop of the agent must not use up the attempts of a job it never ran.
                scheduler.Apply(new SchedulerEvent.Interrupted(job.JobId, $"attempt {job.Attempt} was not started before the agent died", CountsAsCrash: false, clock.GetUtcNow()));
                await SaveAndReport(scheduler, RunEventKind.JobInterrupted, job.JobId, $"{job.JobId} attempt {job.Attempt} never started: runs again", cancellationToken).ConfigureAwait(false);
                break;
            default:
                scheduler.Apply(new SchedulerEvent.Interrupted(job.JobId, $"attempt {job.Attempt} was cut short by the agent's or the machine's death", CountsAsCrash: true, clock.GetUtcNow()));
                await SaveAndReport(scheduler, RunEventKind.JobInterrupted, job.JobId, $"{job.JobId} attempt {job.Attempt} lost with the previous agent", cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// The job after one that ended 0 while no agent watched may have been started by the launcher, at an earlier
    /// agent's request (<see cref="IJobExecutor.StartAfterAsync"/>), before any state said so: it is taken in, never
    /// started again; and if it ended 0 too, so may the one after it.
    /// </summary>
    private async Task ReclaimFollowersAsync(QueueScheduler scheduler, JobLaunch previous, CancellationToken cancellationToken)
    {
        while (scheduler.Next(clock.GetUtcNow()) is SchedulerDecision.StartJob next)
        {
            var launch = LaunchFor(scheduler.Definition(next.JobId), next.Attempt);
            var found = await executor.AdoptSuccessorAsync(previous, launch, cancellationToken).ConfigureAwait(false);
            if (found is AdoptionResult.Lost or AdoptionResult.NeverStarted)
            {
                return;
            }

            scheduler.Apply(new SchedulerEvent.Started(next.JobId, next.Attempt, clock.GetUtcNow()));
            if (found is AdoptionResult.StillRunning still)
            {
                Report(scheduler, RunEventKind.JobAdopted, next.JobId, $"{next.JobId} started while the agent was down, still running (pid {still.Job.Pid}): adopted");
                await WatchAsync(scheduler, next.JobId, still.Job, scheduler.StartedAt + queue.GlobalTimeout, cancellationToken).ConfigureAwait(false);
                return;
            }

            var code = ((AdoptionResult.FinishedWhileAway)found).ExitCode;
            await FinishAttemptAsync(scheduler, next.JobId, code, "started and finished while the agent was down", cancellationToken).ConfigureAwait(false);
            if (code != 0)
            {
                return;
            }

            previous = launch;
        }
    }


    /// <summary>
    /// Jobs the scheduler still counts as running although nothing watches them: the request came while one was being
    /// started or taken over from an earlier agent. Each is found the way a restarted agent finds one, and stopped, so
    /// that the final state has no job running and nothing of the queue is left behind.
    /// </summary>
    /// <param name="forGood">A stopped job failed (a cancel), rather than being interrupted to run again (a spot notice).</param>
    private async Task StopUnwatchedAsync(QueueScheduler scheduler, string reason, bool forGood)
    {
        foreach (var job in scheduler.RunningJobs)
        {
            var definition = scheduler.Definition(job.JobId);
            var found = await executor.AdoptAsync(LaunchFor(definition, job.Attempt), job.Pid ?? 0, job.PidStartTime ?? 0, CancellationToken.None).ConfigureAwait(false);
            switch (found)
            {
                case AdoptionResult.StillRunning still:
                    await using (still.Job.ConfigureAwait(false))
                    {
                        await still.Job.TerminateAsync(GraceWhenStopped(queue.KillGraceFor(definition)), _host.SkipGrace).ConfigureAwait(false);
                        var code = await still.Job.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                        if (forGood)
                        {
                            scheduler.Apply(new SchedulerEvent.Stopped(job.JobId, code, $"stopped: {reason}", clock.GetUtcNow()));
                        }
                        else
                        {
                            scheduler.Apply(new SchedulerEvent.Interrupted(job.JobId, $"attempt {job.Attempt} stopped: {reason}", CountsAsCrash: false, clock.GetUtcNow()));
                            _cutShort.Add(job.JobId);
                        }
                    }

                    break;
                case AdoptionResult.FinishedWhileAway finished:
                    scheduler.Apply(new SchedulerEvent.Exited(job.JobId, finished.ExitCode, null, clock.GetUtcNow()));
                    break;
                default:
                    scheduler.Apply(new SchedulerEvent.Interrupted(job.JobId, $"attempt {job.Attempt} did not start before {reason}", CountsAsCrash: false, clock.GetUtcNow()));
                    break;
            }
        }
    }
}
