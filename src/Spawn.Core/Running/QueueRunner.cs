using Spawn.Core.Model;
using Spawn.Core.Parsing;
using Spawn.Core.Ports;
using Spawn.Core.Scheduling;
using Spawn.Core.State;

namespace Spawn.Core.Running;

/// <summary>
/// Runs a queue to its end: the one owner of the scheduler and the state. Every event is applied to the
/// scheduler, written to the state (flushed to disk at once, or with the next flush where docs/resume.md says so),
/// then reported. A saved state of the same queue is resumed: completed jobs never run
/// again, and a job the state says is running is adopted, given its recorded exit code, or run again.
/// <paramref name="host"/> is what the agent's machine adds (its EC2 identity, cancel requests from afar); a local
/// run passes none. A cancel request stops the running job as a signal does, and then ends the queue: failed, every
/// job that had not run skipped, never to be resumed. A spot interruption notice stops it too, and leaves the queue
/// interrupted, to be resumed (QueueRunner.Interruption.cs).
/// </summary>
public sealed partial class QueueRunner(
    QueueDefinition queue,
    RunnerSettings settings,
    IJobExecutor executor,
    IStateStore store,
    IResultCollector collector,
    IResultStore results,
    IRunObserver observer,
    TimeProvider clock,
    Func<double> random01,
    RunHost? host = null)
{
    private readonly RunHost _host = host ?? RunHost.Local;
    private readonly AttemptSupervisor _supervisor = new(clock, host?.SkipGrace ?? default);

    /// <summary>Whether the instance's identity, once known, went into the scheduler (<see cref="NoteInstance"/>).</summary>
    private bool _instanceNoted;

    /// <summary>What stops this run early, from the queue's start on: a signal, or a cancel request.</summary>
    private RunStop? _stop;

    /// <summary>A save flushing on another thread (<see cref="Persist.Flushing"/>); every later write waits for it.</summary>
    private Task _flushing = Task.CompletedTask;

    /// <summary>The thread those saves run on, for the length of <see cref="RunAsync"/>.</summary>
    private BackgroundSaver? _saver;

    /// <summary>Side by side: the records' way to the disk (<see cref="Persist.GroupCommitted"/>); null for a sequential run.</summary>
    private GroupCommit? _groupCommit;

    /// <summary>The group commit that makes the last group-committed record durable.</summary>
    private Task _committed = Task.CompletedTask;

    /// <summary>
    /// Jobs collected by this run. A failed job's <c>results_uploaded</c> stays false (it uploads no results), so the
    /// state cannot tell whether its logs went up: this run remembers, and a resumed run collects them once more.
    /// </summary>
    private readonly HashSet<string> _collected = new(StringComparer.Ordinal);

    /// <summary>A finished job whose logs are to be linked while the next command starts (<see cref="CollectPendingAsync"/>).</summary>
    private string? _collectLater;


    /// <summary>Runs until the queue finishes or <paramref name="cancellationToken"/> interrupts it.</summary>
    /// <exception cref="StateStoreException">The saved state is unreadable or belongs to another queue; nothing was run.</exception>
    public async Task<RunOutcome> RunAsync(CancellationToken cancellationToken)
    {
        using var saver = new BackgroundSaver();
        _saver = saver;
        var saved = await store.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (saved is not null)
        {
            SavedStateCheck.EnsureBelongsTo(saved, queue, store.Location);
        }

        var scheduler = new QueueScheduler(queue, saved, clock.GetUtcNow(), random01, settings.MaxParallel);
        if (settings.MaxParallel > 1)
        {
            (_steps, _slots, _groupCommit) = ([], new SlotPool(settings.Machine, settings.MaxParallel), new GroupCommit(saver, store));
        }

        if (_host.JobProcesses is { } how)
        {
            scheduler.Apply(new SchedulerEvent.ProcessesContained(how, clock.GetUtcNow()));
        }
        if (saved is { Status: QueueStatus.Completed or QueueStatus.Failed })
        {
            Report(scheduler, RunEventKind.QueueFinished, null, $"queue {queue.QueueId} already ended {Word(saved.Status)}; nothing to run (use --fresh to start over)");

            // Stored again, as it was saved: the agent that ended it may have died before the final state was stored,
            // and an agent run with --power-off ends the machine next.
            await PublishFinalState(saved).ConfigureAwait(false);
            return new RunOutcome(saved, Interrupted: false);
        }

        scheduler.Begin(clock.GetUtcNow());
        await SaveAndReport(scheduler, saved is null ? RunEventKind.QueueStarted : RunEventKind.QueueResumed, null,
            saved is null ? $"queue {queue.QueueId} started" : $"queue {queue.QueueId} resumed from {store.Location}", cancellationToken).ConfigureAwait(false);

        // From here on, everything stops on stop.Token: a signal, a cancel request, or a spot interruption notice.
        await using var stop = new RunStop(_host.CancelRequests ?? new NoCancelRequests(), _host.Notices, scheduler.StartedAt!.Value, cancellationToken);
        _stop = stop;
        try
        {
            foreach (var job in scheduler.RunningJobs)
            {
                await ReclaimAsync(scheduler, job, stop.Token).ConfigureAwait(false);
            }

            // An agent that died between a job's end and its collection (during an upload, or in the instant before
            // its logs were linked) left it finished with results_uploaded false: collected now. A link or an upload
            // made again replaces the first; a collection that failed before is tried again.
            foreach (var job in saved?.Jobs.Where(IsUncollected) ?? [])
            {
                await CollectAsync(scheduler, job.JobId, stop.Token).ConfigureAwait(false);
            }

            await (_steps is null ? DriveAsync(scheduler, stop.Token) : DriveInParallelAsync(scheduler, stop.Token)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A crash (a full disk, a bug): what the run knows is saved if the disk still takes it, and the program's
            // guard reports the crash; the next run resumes from here.
            await TrySaveAsync(scheduler).ConfigureAwait(false);
            throw;
        }
        catch (OperationCanceledException) when (stop.Token.IsCancellationRequested)
        {
            if (await stop.CancelRequestAsync().ConfigureAwait(false) is { } request)
            {
                await EndCancelledAsync(scheduler, request).ConfigureAwait(false);
                return new RunOutcome(scheduler.Snapshot(), Interrupted: false);
            }

            if (stop.Notice is { } notice)
            {
                return await EndInterruptedAsync(scheduler, notice).ConfigureAwait(false);
            }

            await CollectPendingAsync(scheduler, CancellationToken.None).ConfigureAwait(false);
            await SaveAndReport(scheduler, RunEventKind.QueueInterrupted, null, "interrupted: state saved; run the same command again to resume", CancellationToken.None).ConfigureAwait(false);
            await PublishFinalState(scheduler.Snapshot()).ConfigureAwait(false);
            return new RunOutcome(scheduler.Snapshot(), Interrupted: true);
        }

        await SaveAndReport(scheduler, RunEventKind.QueueFinished, null, $"queue {queue.QueueId} {Word(scheduler.Status)}", CancellationToken.None).ConfigureAwait(false);
        await PublishFinalState(scheduler.Snapshot()).ConfigureAwait(false);
        return new RunOutcome(scheduler.Snapshot(), Interrupted: false);
    }

    private async Task DriveAsync(QueueScheduler scheduler, CancellationToken cancellationToken)
    {
        var queueDeadline = scheduler.StartedAt + queue.GlobalTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (queueDeadline <= clock.GetUtcNow())
            {
                await ExpireQueue(scheduler, cancellationToken).ConfigureAwait(false);
            }

            switch (scheduler.Next(clock.GetUtcNow()))
            {
                case SchedulerDecision.StartJob start:
                    await RunAttemptAsync(scheduler, start.JobId, start.Attempt, queueDeadline, cancellationToken).ConfigureAwait(false);
                    break;
                case SchedulerDecision.WaitUntil wait:
                    // Nothing else is written during the wait: the collection is, at once.
                    await CollectPendingAsync(scheduler, cancellationToken, Persist.Recorded).ConfigureAwait(false);
                    var until = queueDeadline is { } d && d < wait.Until ? d : wait.Until;
                    var delay = until - clock.GetUtcNow();
                    if (delay > TimeSpan.Zero)
                    {
                        // The loop looks again after a capped wait: a backoff may be longer than a timer can take.
                        await Task.Delay(TimerSpan.Capped(delay), clock, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case SchedulerDecision.Finished:
                    await CollectPendingAsync(scheduler, cancellationToken).ConfigureAwait(false);
                    return;
                default:
                    throw new InvalidOperationException("a sequential run never waits for more than one running job");
            }
        }
    }

    private async Task ExpireQueue(QueueScheduler scheduler, CancellationToken cancellationToken)
    {
        if (_expired || scheduler.Next(clock.GetUtcNow()) is SchedulerDecision.Finished)
        {
            return;
        }

        _expired = true;
        var reason = $"global_timeout {GoDuration.Format(queue.GlobalTimeout!.Value)} exceeded";
        scheduler.Apply(new SchedulerEvent.GlobalTimeoutExpired(reason, clock.GetUtcNow()));
        await SaveAndReport(scheduler, RunEventKind.GlobalTimeout, null, reason, cancellationToken).ConfigureAwait(false);
    }


    /// <param name="slots">The slots a job running side by side holds: its GPUs go into its environment. One job at a
    /// time, a job with <c>gpus</c> is shown the machine's first devices (none is anyone else's), as many as it asked for.</param>
    private JobLaunch LaunchFor(JobDefinition job, int attempt, SlotAllocation? slots = null)
    {
        slots ??= job.Gpus is { } gpus && gpus <= settings.Machine.GpuCount ? new SlotAllocation(job.JobId, 0, [.. settings.Machine.Gpus.Take(gpus)]) : null;
        var environment = new Dictionary<string, string>(slots is null ? job.Env : job.Env.Concat(GpuEnvironment.For(job, slots)), StringComparer.Ordinal)
        {
            ["JOB_ID"] = job.JobId,
            ["JOB_ATTEMPT"] = attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["QUEUE_ID"] = queue.QueueId,
        };
        return new JobLaunch(queue.QueueId, job.JobId, attempt, job.Command, environment, settings.WorkingDirectory,
            settings.StdoutLog(job.JobId), settings.StderrLog(job.JobId), settings.ExitStatusFile(job.JobId, attempt));
    }


    private bool IsUncollected(JobState job) =>
        job.Status == JobStatus.Completed
            ? !job.ResultsUploaded
            : job.Status == JobStatus.Failed && job.RetryAt is null && job.Attempt > 0 && !_collected.Contains(job.JobId);

    private static string Outcome(bool completed, bool uploaded) =>
        (completed, uploaded) switch
        {
            (true, true) => "results collected",
            (true, false) => "results NOT uploaded",
            (false, true) => "logs collected",
            (false, false) => "logs NOT uploaded",
        };

    private static string Word(QueueStatus status) => status.ToString().ToLowerInvariant();
}
