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

        var scheduler = new QueueScheduler(queue, saved, clock.GetUtcNow(), random01);
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

            await DriveAsync(scheduler, stop.Token).ConfigureAwait(false);
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
        if (scheduler.Next(clock.GetUtcNow()) is SchedulerDecision.Finished)
        {
            return;
        }

        var reason = $"global_timeout {GoDuration.Format(queue.GlobalTimeout!.Value)} exceeded";
        scheduler.Apply(new SchedulerEvent.GlobalTimeoutExpired(reason, clock.GetUtcNow()));
        await SaveAndReport(scheduler, RunEventKind.GlobalTimeout, null, reason, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAttemptAsync(QueueScheduler scheduler, string jobId, int attempt, DateTimeOffset? queueDeadline, CancellationToken cancellationToken)
    {
        // Written before the spawn, so an agent that dies in between finds the attempt and looks for its process. It
        // reaches the disk with the pid's save below, which runs while the command starts: a machine lost before
        // that also took the attempt with it, and an attempt cut short by the machine's death is run again anyway.
        scheduler.Apply(new SchedulerEvent.Started(jobId, attempt, clock.GetUtcNow()));
        await _flushing.ConfigureAwait(false);
        await store.RecordAsync(scheduler.Snapshot(), cancellationToken).ConfigureAwait(false);

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
                var startedAt = clock.GetUtcNow();
                scheduler.Apply(new SchedulerEvent.ProcessStarted(jobId, running.Pid, running.StartTime, startedAt));
                await SaveAndReport(scheduler, RunEventKind.JobStarted, jobId, $"{jobId} started (attempt {scheduler.Job(jobId).Attempt}, pid {running.Pid})",
                    cancellationToken, Persist.Flushing).ConfigureAwait(false);

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

    /// <summary>Decides what became of a job an earlier agent left running.</summary>
    private async Task ReclaimAsync(QueueScheduler scheduler, JobState job, CancellationToken cancellationToken)
    {
        var launch = LaunchFor(scheduler.Definition(job.JobId), job.Attempt);
        var found = await executor.AdoptAsync(launch, job.Pid ?? 0, job.PidStartTime ?? 0, cancellationToken).ConfigureAwait(false);
        switch (found)
        {
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
            if (found is AdoptionResult.Lost)
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

    private Task<(AttemptEnding Ending, int ExitCode)> SuperviseAsync(QueueScheduler scheduler, string jobId, IRunningJob running, DateTimeOffset startedAt, DateTimeOffset? queueDeadline, CancellationToken cancellationToken)
    {
        var definition = scheduler.Definition(jobId);
        return _supervisor.SuperviseAsync(running, startedAt + definition.Timeout, queueDeadline, queue.KillGraceFor(definition), cancellationToken, GraceWhenStopped);
    }

    private async Task FinishAsync(QueueScheduler scheduler, string jobId, AttemptEnding ending, int code, CancellationToken cancellationToken)
    {
        var definition = scheduler.Definition(jobId);
        switch (ending)
        {
            case AttemptEnding.Exited:
                await FinishAttemptAsync(scheduler, jobId, code, reason: null, cancellationToken).ConfigureAwait(false);
                break;
            case AttemptEnding.TimedOut:
                await FinishAttemptAsync(scheduler, jobId, 124, $"timed out after {GoDuration.Format(definition.Timeout)}", cancellationToken).ConfigureAwait(false);
                break;
            case AttemptEnding.GlobalTimeout:
                await ExpireQueue(scheduler, cancellationToken).ConfigureAwait(false);
                await FinishAttemptAsync(scheduler, jobId, 124, $"stopped: global_timeout {GoDuration.Format(queue.GlobalTimeout!.Value)} exceeded", cancellationToken).ConfigureAwait(false);
                break;
            default:
                if (await _stop!.CancelRequestAsync().ConfigureAwait(false) is { } request)
                {
                    // Ended for good: the attempt failed. Its logs go up with the queue's end (EndCancelledAsync).
                    scheduler.Apply(new SchedulerEvent.CancelRequested(request.Reason, clock.GetUtcNow()));
                    scheduler.Apply(new SchedulerEvent.Stopped(jobId, code, $"stopped: {request.Reason}", clock.GetUtcNow()));
                    await SaveAndReport(scheduler, RunEventKind.JobFailed, jobId, $"{jobId} stopped (exit code {code}): {request.Reason}", CancellationToken.None)
                        .ConfigureAwait(false);
                }
                else
                {
                    var attempt = scheduler.Job(jobId).Attempt;
                    var by = _stop.Notice is null ? "a stop request" : "a spot interruption notice";
                    scheduler.Apply(new SchedulerEvent.Interrupted(jobId, $"attempt {attempt} interrupted by {by}", CountsAsCrash: false, clock.GetUtcNow()));
                    _cutShort.Add(jobId);
                    await SaveAndReport(scheduler, RunEventKind.JobInterrupted, jobId, $"{jobId} attempt {attempt} stopped (interrupted)", CancellationToken.None).ConfigureAwait(false);
                }

                cancellationToken.ThrowIfCancellationRequested();
                break;
        }
    }

    /// <summary>
    /// Ends the queue for a cancel request: nothing more starts, every job that had not run is skipped, and what did
    /// run is collected (a stopped job's logs, results whose upload the request cut short), then the final state is
    /// stored, as at any ending. Nothing here is cancellable: the queue's end must be written whole.
    /// </summary>
    private async Task EndCancelledAsync(QueueScheduler scheduler, CancelRequest request)
    {
        await CollectPendingAsync(scheduler, CancellationToken.None).ConfigureAwait(false);
        scheduler.Apply(new SchedulerEvent.CancelRequested(request.Reason, clock.GetUtcNow()));
        await StopUnwatchedAsync(scheduler, request.Reason, forGood: true).ConfigureAwait(false);
        foreach (var job in scheduler.Snapshot().Jobs.Where(IsUncollected).ToList())
        {
            await CollectAsync(scheduler, job.JobId, CancellationToken.None).ConfigureAwait(false);
        }

        var by = request.RequestedBy is { } who ? $" by {who}" : "";
        await SaveAndReport(scheduler, RunEventKind.QueueFinished, null, $"queue {queue.QueueId} {Word(scheduler.Status)}: {request.Reason}{by}", CancellationToken.None)
            .ConfigureAwait(false);
        await PublishFinalState(scheduler.Snapshot()).ConfigureAwait(false);
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

    private async Task FinishAttemptAsync(QueueScheduler scheduler, string jobId, int exitCode, string? reason, CancellationToken cancellationToken)
    {
        var attempt = scheduler.Job(jobId).Attempt;
        var why = reason is null || exitCode is 124 or 127 ? reason : exitCode == 0 ? null : $"{reason}: exit status {exitCode}";
        scheduler.Apply(new SchedulerEvent.Exited(jobId, exitCode, why, clock.GetUtcNow()));
        var job = scheduler.Job(jobId);
        var (kind, message) = job switch
        {
            { Status: JobStatus.Completed } => (RunEventKind.JobCompleted, $"{jobId} completed (attempt {attempt})"),
            // The log gets the whole message; the state keeps its bounded head.
            { RetryAt: not null } => (RunEventKind.RetryScheduled, $"{jobId} failed: {scheduler.ErrorInFull(jobId)}"),
            _ => (RunEventKind.JobFailed, $"{jobId} failed: {scheduler.ErrorInFull(jobId)}"),
        };
        var definition = scheduler.Definition(jobId);
        var collect = job.Status == JobStatus.Completed || job.RetryAt is null;

        // Durable before the results go up, which may take long: a machine that dies during an upload must not run a
        // finished job again. Logs linked into a local directory take less time than the flush itself, so then the
        // exit is written with the next write (the next attempt's start, before its spawn) and reaches the disk with
        // the next save (its pid, flushed while that command runs), or the end; the links are made while the next
        // command starts. An agent that dies before the exit is written finds the attempt running, its process gone
        // and its exit in attempts.log, and finishes it without running it again; a machine lost in that moment,
        // about as long as the flush would have taken, runs the job again.
        var collectsQuickly = collect && results.StoresLogsQuickly && (job.Status != JobStatus.Completed || definition.ResultPaths.Count == 0);
        await SaveAndReport(scheduler, kind, jobId, message, cancellationToken, collectsQuickly ? Persist.WithNextWrite : Persist.Durably).ConfigureAwait(false);
        if (!collect)
        {
            return;
        }

        await CollectPendingAsync(scheduler, cancellationToken).ConfigureAwait(false);
        if (collectsQuickly)
        {
            // Quick, but on the way from one job to the next: done while the next command starts instead.
            _collectLater = jobId;
            return;
        }

        await CollectAsync(scheduler, jobId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Collects the logs of the job left for later, if any.</summary>
    /// <remarks>What it records rides with the runner's next write by default, as the exit before it did: the runner
    /// always writes next (a start, an exit, the end), and an agent that dies first only links the logs again.</remarks>
    private async Task CollectPendingAsync(QueueScheduler scheduler, CancellationToken cancellationToken, Persist persist = Persist.WithNextWrite)
    {
        if (_collectLater is { } jobId)
        {
            _collectLater = null;
            await CollectAsync(scheduler, jobId, cancellationToken, persist).ConfigureAwait(false);
        }
    }

    private async Task CollectAsync(QueueScheduler scheduler, string jobId, CancellationToken cancellationToken, Persist persist = Persist.Recorded)
    {
        // Logs go up for every job that ran; results only for completed ones. Upload problems never stop the queue.
        var completed = scheduler.Job(jobId).Status == JobStatus.Completed;
        _collected.Add(jobId);
        var collected = await collector.CollectAsync(scheduler.Definition(jobId), completed,
            settings.StdoutLog(jobId), settings.StderrLog(jobId), cancellationToken).ConfigureAwait(false);
        scheduler.Apply(new SchedulerEvent.ResultsCollected(jobId, collected.Uploaded, collected.Problem, clock.GetUtcNow()));
        var detail = collected.Problem is null ? "" : $" ({collected.Problem})";

        // Rides to disk with the next save. After an upload, a machine lost before that leaves results_uploaded false
        // for results that did go up: a flag to re-check, never a job run twice.
        await SaveAndReport(scheduler, RunEventKind.ResultsCollected, jobId,
            $"{jobId} {Outcome(completed, collected.Uploaded)} to {results.Location}{detail}", cancellationToken,
            persist).ConfigureAwait(false);
    }

    private JobLaunch LaunchFor(JobDefinition job, int attempt)
    {
        var environment = new Dictionary<string, string>(job.Env, StringComparer.Ordinal)
        {
            ["JOB_ID"] = job.JobId,
            ["JOB_ATTEMPT"] = attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["QUEUE_ID"] = queue.QueueId,
        };
        return new JobLaunch(queue.QueueId, job.JobId, attempt, job.Command, environment, settings.WorkingDirectory,
            settings.StdoutLog(job.JobId), settings.StderrLog(job.JobId), settings.ExitStatusFile(job.JobId, attempt));
    }

    // One snapshot per event, shared by the store and the observer.
    private async Task SaveAndReport(QueueScheduler scheduler, RunEventKind kind, string? jobId, string message, CancellationToken cancellationToken, Persist persist = Persist.Durably)
    {
        NoteInstance(scheduler);
        var state = scheduler.Snapshot();
        if (persist != Persist.WithNextWrite)
        {
            await _flushing.ConfigureAwait(false);
        }

        switch (persist)
        {
            case Persist.Durably:
                await store.SaveAsync(state, cancellationToken).ConfigureAwait(false);
                break;
            case Persist.Flushing:
                // Not cancellable: a stop request must not leave the pid unsaved, nor the next write an exception.
                _flushing = _saver!.SaveAsync(store, state);
                break;
            case Persist.Recorded:
                await store.RecordAsync(state, cancellationToken).ConfigureAwait(false);
                break;
        }


        observer.Notify(new RunEvent(kind, jobId, message, state, clock.GetUtcNow()));
    }

    /// <summary>
    /// Puts the instance's identity into the state with the first write after it became known. It is not waited for:
    /// off EC2 the metadata address may not answer for seconds, and a queue must not wait on that.
    /// </summary>
    private void NoteInstance(QueueScheduler scheduler)
    {
        if (_instanceNoted || !_host.Instance.IsCompleted)
        {
            return;
        }

        _instanceNoted = true;
        if (_host.Instance is { IsCompletedSuccessfully: true, Result: { } instance })
        {
            scheduler.Apply(new SchedulerEvent.InstanceIdentified(instance, clock.GetUtcNow()));
        }
    }

    private void Report(QueueScheduler scheduler, RunEventKind kind, string? jobId, string message) =>
        observer.Notify(new RunEvent(kind, jobId, message, scheduler.Snapshot(), clock.GetUtcNow()));

    /// <summary>The final state goes next to the results whatever the ending; a failure here is reported, not thrown.</summary>
    /// <summary>A last save on the way out of a crash: it may fail for the same reason, and must not hide that reason.</summary>
    private async Task TrySaveAsync(QueueScheduler scheduler)
    {
        try
        {
            await store.SaveAsync(scheduler.Snapshot(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The crash being reported is the one that counts.
        }
    }

    private async Task PublishFinalState(QueueState state)
    {
        try
        {
            await results.PutBytesAsync("queue-state.json", QueueStateJson.Serialize(state), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Any store (disk, S3) may fail here; the run's outcome is already decided and saved locally.
            observer.Notify(new RunEvent(RunEventKind.QueueFinished, null, $"warning: could not store queue-state.json in {results.Location}: {e.Message}", state, clock.GetUtcNow()));
        }
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

    /// <summary>How far an event's state goes before the runner moves on.</summary>
    private enum Persist
    {
        /// <summary>Written and flushed to disk (<see cref="IStateStore.SaveAsync"/>).</summary>
        Durably,

        /// <summary>
        /// Written and flushed on another thread while the runner goes on; the next write waits for it. For the pid:
        /// a command shorter than the flush (here a <c>fdatasync</c> took 0.2 ms to several) would wait for it.
        /// </summary>
        Flushing,

        /// <summary>Written, flushed with the next durable save (<see cref="IStateStore.RecordAsync"/>).</summary>
        Recorded,

        /// <summary>
        /// Held in the scheduler, written with the next write of either kind. There always is one: the runner's next
        /// step records a start before its spawn, or saves an ending; it never waits first, since a retry that is due
        /// later would have run before the job that got here.
        /// </summary>
        WithNextWrite,
    }
}
