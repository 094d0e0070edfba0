using Spawn.Core.Ports;
using Spawn.Core.Scheduling;

namespace Spawn.Core.Running;

/// <summary>
/// Jobs side by side (<c>max_parallel</c> above 1). The drive loop stays the one owner of the scheduler and the state:
/// what takes time — starting a process, waiting for it, uploading its results — runs as a <em>step</em> of its own,
/// and each step hands back what to record once it is done, which the loop does, one at a time. So a job's uploads
/// never hold back another's start, and the state is written exactly as in a sequential run. Slots (max_parallel,
/// CPUs, GPUs) are held from a job's start to its process's end: a job waiting out its backoff, or whose results are
/// still going up, holds none. The first ready job in file order that does not fit waits for one that does to end.
/// </summary>
public sealed partial class QueueRunner
{
    /// <summary>The steps under way when jobs run side by side; null for a sequential run.</summary>
    private List<Task<Func<Task>>>? _steps;

    private SlotPool? _slots;

    /// <summary>Whether the global timeout has been recorded: every running job reports it, the queue once.</summary>
    private bool _expired;

    private async Task DriveInParallelAsync(QueueScheduler scheduler, CancellationToken cancellationToken)
    {
        var steps = _steps!;
        var queueDeadline = scheduler.StartedAt + queue.GlobalTimeout;
        OperationCanceledException? stopped = null;
        while (true)
        {
            if (stopped is null && cancellationToken.IsCancellationRequested)
            {
                // Every running job is being stopped by its own step; the loop records each ending before it goes.
                stopped = new OperationCanceledException(cancellationToken);
            }

            if (stopped is null && queueDeadline <= clock.GetUtcNow())
            {
                await ExpireQueue(scheduler, cancellationToken).ConfigureAwait(false);
            }

            // One decision per round, acted on: asked twice, a backoff could end in between and leave a job that may
            // start waiting for a step that never comes.
            var decision = scheduler.Next(clock.GetUtcNow());
            if (stopped is null && decision is SchedulerDecision.StartJob start && _slots!.TryTake(scheduler.Definition(start.JobId)) is { } slots)
            {
                await StartSideBySideAsync(scheduler, start, slots, queueDeadline, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (steps.Count == 0 && (stopped is not null || decision is SchedulerDecision.Finished))
            {
                if (stopped is not null)
                {
                    throw stopped;
                }

                return;
            }

            try
            {
                var record = await NextStepAsync(steps, decision, queueDeadline, stopped is null ? cancellationToken : CancellationToken.None).ConfigureAwait(false);
                if (record is not null)
                {
                    await record().ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                stopped ??= new OperationCanceledException(cancellationToken);
            }
        }
    }

    /// <summary>Waits for the first step to end, or for a backoff or the global timeout to run out (then null).</summary>
    private async Task<Func<Task>?> NextStepAsync(List<Task<Func<Task>>> steps, SchedulerDecision decision, DateTimeOffset? queueDeadline, CancellationToken cancellationToken)
    {
        DateTimeOffset? until = decision is SchedulerDecision.WaitUntil wait ? wait.Until : null;
        if (queueDeadline is { } deadline && (until is null || deadline < until))
        {
            until = deadline;
        }

        using var timerCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = until is { } at && at - clock.GetUtcNow() is var delay && delay > TimeSpan.Zero
            ? Task.Delay(TimerSpan.Capped(delay), clock, timerCancel.Token)
            : until is null ? Task.Delay(Timeout.InfiniteTimeSpan, clock, timerCancel.Token) : Task.CompletedTask;
        var done = await Task.WhenAny([.. steps, timer]).ConfigureAwait(false);
        await timerCancel.CancelAsync().ConfigureAwait(false);
        if (done == timer)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }

        var step = (Task<Func<Task>>)done;
        steps.Remove(step);
        return await step.ConfigureAwait(false);
    }

    private async Task StartSideBySideAsync(QueueScheduler scheduler, SchedulerDecision.StartJob start, SlotAllocation slots, DateTimeOffset? queueDeadline, CancellationToken cancellationToken)
    {
        var (jobId, attempt) = (start.JobId, start.Attempt);
        await RecordStartAsync(scheduler, jobId, attempt, cancellationToken, slots.GpuIds).ConfigureAwait(false);
        var launch = LaunchFor(scheduler.Definition(jobId), attempt, slots);
        _steps!.Add(Step(executor.StartAsync(launch, cancellationToken), async started =>
        {
            var startedAt = await SaveProcessStartedAsync(scheduler, jobId, started, cancellationToken).ConfigureAwait(false);
            Supervise(scheduler, jobId, started, startedAt, queueDeadline, slots, cancellationToken);
        }, async failure =>
        {
            _slots!.Release(slots);
            await FinishAttemptAsync(scheduler, jobId, 127, $"could not start the command: {failure.Message}", cancellationToken).ConfigureAwait(false);
        }));
    }

    /// <summary>Watches a started (or adopted) attempt in a step of its own; its ending is recorded by the loop.</summary>
    private void Supervise(QueueScheduler scheduler, string jobId, IRunningJob running, DateTimeOffset startedAt, DateTimeOffset? queueDeadline, SlotAllocation? slots, CancellationToken cancellationToken)
    {
        _steps!.Add(Step(SuperviseAsync(scheduler, jobId, running, startedAt, queueDeadline, cancellationToken), async ended =>
        {
            await running.DisposeAsync().ConfigureAwait(false);
            if (slots is not null)
            {
                _slots!.Release(slots);
            }

            await FinishAsync(scheduler, jobId, ended.Ending, ended.ExitCode, cancellationToken).ConfigureAwait(false);
        }));
    }

    /// <summary>Uploads a finished job's logs and results in a step of its own (never holding back a start).</summary>
    private void CollectSideBySide(QueueScheduler scheduler, string jobId, CancellationToken cancellationToken)
    {
        var (completed, upload) = StartCollection(scheduler, jobId, cancellationToken);
        _steps!.Add(Step(upload, collected => NoteCollectedAsync(scheduler, jobId, completed, collected, cancellationToken, Persist.Recorded)));
    }

    /// <summary>A step: <paramref name="work"/>, then what to record, run by the loop. A failure to start a process
    /// (<paramref name="failed"/>) is recorded too; anything else (a cancellation, a crash) reaches the loop.</summary>
    private static async Task<Func<Task>> Step<T>(Task<T> work, Func<T, Task> record, Func<Exception, Task>? failed = null)
    {
        try
        {
            var result = await work.ConfigureAwait(false);
            return () => record(result);
        }
        catch (Exception e) when (failed is not null && e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return () => failed(e);
        }
    }
}
