using Spawn.Core.Ports;
using Spawn.Core.Scheduling;

namespace Spawn.Core.Running;

/// <summary>
/// One attempt at a time, as the guide runs a queue (<c>max_parallel</c> 1): each attempt is started, watched to
/// its end, and, along a chain, the next one asked to follow it so that the runner never stands between two commands.
/// </summary>
public sealed partial class QueueRunner
{
    private async Task RunAttemptAsync(QueueScheduler scheduler, string jobId, int attempt, DateTimeOffset? queueDeadline, CancellationToken cancellationToken)
    {
        await RecordStartAsync(scheduler, jobId, attempt, cancellationToken).ConfigureAwait(false);

        IRunningJob running;
        try
        {
            running = await executor.StartAsync(LaunchFor(scheduler.Definition(jobId), attempt), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            await FinishAttemptAsync(scheduler, jobId, 127, $"could not start the command: {e.Message}", cancellationToken).ConfigureAwait(false);
            return;
        }

        await WatchAsync(scheduler, jobId, running, queueDeadline, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sees a started attempt to its end. While it runs, the job that comes next if it succeeds is asked to follow it
    /// (<see cref="IJobExecutor.StartAfterAsync"/>); when that one did start, it is watched next, and so on: along a
    /// chain of jobs the runner does not stand between two commands, and its bookkeeping runs beside them.
    /// </summary>
    private async Task WatchAsync(QueueScheduler scheduler, string jobId, IRunningJob running, DateTimeOffset? queueDeadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            SchedulerDecision.StartJob? next;
            IRunningJob? follower;
            await using (running.ConfigureAwait(false))
            {
                var startedAt = await SaveProcessStartedAsync(scheduler, jobId, running, cancellationToken).ConfigureAwait(false);

                // Only logs linked into a local directory are left for later: they never wait for a stop request.
                await CollectPendingAsync(scheduler, CancellationToken.None).ConfigureAwait(false);
                next = FollowerOf(scheduler, jobId, cancellationToken);
                var following = next is null ? null : executor.StartAfterAsync(running, LaunchFor(scheduler.Definition(next.JobId), next.Attempt), cancellationToken);
                var (ending, code) = await SuperviseAsync(scheduler, jobId, running, startedAt, queueDeadline, cancellationToken).ConfigureAwait(false);
                follower = following is null ? null : await following.ConfigureAwait(false);
                if (follower is null)
                {
                    await FinishAsync(scheduler, jobId, ending, code, cancellationToken).ConfigureAwait(false);
                    return;
                }
            }

            // The follower started, so this attempt exited 0 by itself before anything signalled it, whatever the
            // supervisor saw at the same moment. Until the follower is in the state, nothing may cancel: an agent
            // that stopped here would leave it running unrecorded, for the next agent to start again.
            await TakeInFollowerAsync(scheduler, jobId, next!).ConfigureAwait(false);
            (jobId, running) = (next!.JobId, follower);
        }
    }

    /// <summary>Records the attempt that ended 0 and the one that follows it, started already; both reach the state file
    /// with the follower's pid.</summary>
    private async Task TakeInFollowerAsync(QueueScheduler scheduler, string jobId, SchedulerDecision.StartJob next)
    {
        await FinishAttemptAsync(scheduler, jobId, 0, reason: null, CancellationToken.None).ConfigureAwait(false);
        if (scheduler.Next(clock.GetUtcNow()) != next)
        {
            throw new InvalidOperationException($"{next.JobId} followed {jobId}, but the scheduler now chooses {scheduler.Next(clock.GetUtcNow())}");
        }

        scheduler.Apply(new SchedulerEvent.Started(next.JobId, next.Attempt, clock.GetUtcNow()));
    }

    /// <summary>
    /// The job to ask to follow <paramref name="jobId"/>: the one the scheduler chooses once it succeeds, if nothing
    /// has to happen in between (its logs are only linked into a local directory, done while the next command runs).
    /// </summary>
    private SchedulerDecision.StartJob? FollowerOf(QueueScheduler scheduler, string jobId, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && results.StoresLogsQuickly && scheduler.Definition(jobId).ResultPaths.Count == 0
            ? scheduler.NextOnceCompleted(jobId)
            : null;
}
