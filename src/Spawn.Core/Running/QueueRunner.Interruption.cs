using Spawn.Core.Ports;
using Spawn.Core.Scheduling;
using Spawn.Core.State;

namespace Spawn.Core.Running;

/// <summary>
/// A spot interruption notice: EC2 takes the machine in about two minutes. The running attempt was stopped (with a
/// grace cut to leave time for the uploads) and counts as interrupted, not as one of its attempts; here its logs go up,
/// nothing else starts, and the queue is stored <c>interrupted</c> with the reason and what comes next.
/// </summary>
public sealed partial class QueueRunner
{
    /// <summary>Jobs whose attempt this run cut short to run again later: their logs go up before the machine goes.</summary>
    private readonly List<string> _cutShort = [];

    private TimeSpan GraceWhenStopped(TimeSpan killGrace) =>
        _stop?.Notice is { } notice ? notice.GraceFor(killGrace, clock.GetUtcNow()) : killGrace;

    /// <summary>Nothing here is cancellable: the machine is going, and what it knows must be in the store first.</summary>
    private async Task<RunOutcome> EndInterruptedAsync(QueueScheduler scheduler, InterruptionNotice notice)
    {
        await CollectPendingAsync(scheduler, CancellationToken.None).ConfigureAwait(false);
        await StopUnwatchedAsync(scheduler, notice.Reason, forGood: false).ConfigureAwait(false);

        // Saved before the uploads: if the machine goes during them, the state on its disk says what happened.
        scheduler.Apply(new SchedulerEvent.QueueInterrupted(notice.Reason, clock.GetUtcNow()));
        await SaveAndReport(scheduler, RunEventKind.QueueInterrupted, null, $"queue {queue.QueueId} {notice.Reason}", CancellationToken.None).ConfigureAwait(false);
        foreach (var jobId in _cutShort)
        {
            // Logs only: the attempt did not complete. A job's logs hold every attempt, so a later upload replaces these.
            await collector.CollectAsync(scheduler.Definition(jobId), completed: false,
                settings.StdoutLog(jobId), settings.StderrLog(jobId), CancellationToken.None).ConfigureAwait(false);
        }

        // Results whose upload the notice cut short: a new instance restores completed jobs' results from the store.
        foreach (var job in scheduler.Snapshot().Jobs.Where(j => j.Status == JobStatus.Completed && !j.ResultsUploaded).ToList())
        {
            await CollectAsync(scheduler, job.JobId, CancellationToken.None).ConfigureAwait(false);
        }

        var stored = _cutShort.Count == 0 ? "no job was running" : $"logs of {string.Join(", ", _cutShort)} stored in {results.Location}";
        await SaveAndReport(scheduler, RunEventKind.QueueInterrupted, null, stored, CancellationToken.None).ConfigureAwait(false);
        await PublishFinalState(scheduler.Snapshot()).ConfigureAwait(false);
        return new RunOutcome(scheduler.Snapshot(), Interrupted: true, notice);
    }
}
