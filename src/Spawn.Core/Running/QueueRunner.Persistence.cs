using Spawn.Core.Ports;
using Spawn.Core.Scheduling;
using Spawn.Core.State;

namespace Spawn.Core.Running;

/// <summary>
/// Writing the state: every event is applied, written (durably, flushing on another thread, or with the next write)
/// and reported; the final state goes next to the results.
/// </summary>
public sealed partial class QueueRunner
{
    /// <summary>
    /// An attempt's start, written before its spawn so that an agent that dies in between finds the attempt and looks
    /// for its process. It reaches the disk with the pid's save (<see cref="SaveProcessStartedAsync"/>), which runs
    /// while the command starts: a machine lost before that took the attempt with it, and such an attempt runs again.
    /// </summary>
    /// <param name="gpus">The GPUs it is given, side by side: recorded so that an agent that adopts it keeps them its own.</param>
    private async Task RecordStartAsync(QueueScheduler scheduler, string jobId, int attempt, CancellationToken cancellationToken, IReadOnlyList<string>? gpus = null)
    {
        scheduler.Apply(new SchedulerEvent.Started(jobId, attempt, clock.GetUtcNow(), gpus));
        await _flushing.ConfigureAwait(false);
        await store.RecordAsync(scheduler.Snapshot(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The attempt's pid, saved (a sequential run flushes it on the saver's thread while the command runs;
    /// side by side it goes with the next group commit); returns when it started.</summary>
    private async Task<DateTimeOffset> SaveProcessStartedAsync(QueueScheduler scheduler, string jobId, IRunningJob running, CancellationToken cancellationToken)
    {
        var startedAt = clock.GetUtcNow();
        scheduler.Apply(new SchedulerEvent.ProcessStarted(jobId, running.Pid, running.StartTime, startedAt));
        await SaveAndReport(scheduler, RunEventKind.JobStarted, jobId, $"{jobId} started (attempt {scheduler.Job(jobId).Attempt}, pid {running.Pid})",
            cancellationToken, _steps is null ? Persist.Flushing : Persist.GroupCommitted).ConfigureAwait(false);
        return startedAt;
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
            case Persist.GroupCommitted:
                await store.RecordAsync(state, cancellationToken).ConfigureAwait(false);
                _committed = _groupCommit!.Request();
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

    /// <summary>The final state goes next to the results whatever the ending; a failure here is reported, not thrown.</summary>
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
        /// Side by side: written, and flushed by a <see cref="GroupCommit"/> that starts at once on the saver's thread
        /// while the loop goes on; what must follow the flush (an upload) waits for <see cref="_committed"/>.
        /// </summary>
        GroupCommitted,

        /// <summary>
        /// Held in the scheduler, written with the next write of either kind. There always is one: the runner's next
        /// step records a start before its spawn, or saves an ending; it never waits first, since a retry that is due
        /// later would have run before the job that got here.
        /// </summary>
        WithNextWrite,
    }
}
