using Spawn.Core.Parsing;
using Spawn.Core.Ports;
using Spawn.Core.Scheduling;
using Spawn.Core.State;

namespace Spawn.Core.Running;

/// <summary>
/// How an attempt ends: its exit, timeout, the queue's global timeout or a stop, recorded; then its logs and
/// results collected.
/// </summary>
public sealed partial class QueueRunner
{
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
        var collectsQuickly = _steps is null && collect && results.StoresLogsQuickly && (job.Status != JobStatus.Completed || definition.ResultPaths.Count == 0);
        // Side by side the exit goes with the next group commit, and the collection waits for that commit.
        var persist = _steps is not null ? Persist.GroupCommitted : collectsQuickly ? Persist.WithNextWrite : Persist.Durably;
        await SaveAndReport(scheduler, kind, jobId, message, cancellationToken, persist).ConfigureAwait(false);
        if (!collect)
        {
            return;
        }

        if (_steps is not null)
        {
            CollectSideBySide(scheduler, jobId, cancellationToken);
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
        var (completed, upload) = StartCollection(scheduler, jobId, cancellationToken);
        await NoteCollectedAsync(scheduler, jobId, completed, await upload.ConfigureAwait(false), cancellationToken, persist).ConfigureAwait(false);
    }

    /// <summary>Starts a finished job's collection: logs go up for every job that ran; results only for completed
    /// ones. Upload problems never stop the queue.</summary>
    /// <remarks>Side by side, the job's exit may still be on its way to the disk (<see cref="Persist.GroupCommitted"/>):
    /// nothing goes up before the commit that covers it is done.</remarks>
    private (bool Completed, Task<ResultCollection> Upload) StartCollection(QueueScheduler scheduler, string jobId, CancellationToken cancellationToken)
    {
        var completed = scheduler.Job(jobId).Status == JobStatus.Completed;
        var definition = scheduler.Definition(jobId);
        var durableFirst = _committed;
        _collected.Add(jobId);
        return (completed, durableFirst.IsCompletedSuccessfully ? Collect() : CollectWhenDurableAsync());

        Task<ResultCollection> Collect() => collector.CollectAsync(definition, completed, settings.StdoutLog(jobId), settings.StderrLog(jobId), cancellationToken);

        async Task<ResultCollection> CollectWhenDurableAsync()
        {
            await durableFirst.ConfigureAwait(false);
            return await Collect().ConfigureAwait(false);
        }
    }

    private async Task NoteCollectedAsync(QueueScheduler scheduler, string jobId, bool completed, ResultCollection collected, CancellationToken cancellationToken, Persist persist)
    {
        scheduler.Apply(new SchedulerEvent.ResultsCollected(jobId, collected.Uploaded, collected.Problem, clock.GetUtcNow()));
        var detail = collected.Problem is null ? "" : $" ({collected.Problem})";

        // Rides to disk with the next save. After an upload, a machine lost before that leaves results_uploaded false
        // for results that did go up: a flag to re-check, never a job run twice.
        await SaveAndReport(scheduler, RunEventKind.ResultsCollected, jobId,
            $"{jobId} {Outcome(completed, collected.Uploaded)} to {results.Location}{detail}", cancellationToken,
            persist).ConfigureAwait(false);
    }
}
