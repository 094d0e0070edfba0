using Spawn.Core.Ports;

namespace Spawn.Core.Running;

/// <summary>
/// Waits for one attempt while watching its deadline, the queue's deadline and the run's cancellation; whichever
/// comes first wins, and anything but a plain exit stops all the attempt's processes (TERM, grace, KILL). After a
/// plain exit, whatever the attempt left running is stopped the same way: nothing of it outlives its ending.
/// </summary>
/// <param name="skipGrace">Cancelled: every stop goes to SIGKILL at once (a second Ctrl-C).</param>
internal sealed class AttemptSupervisor(TimeProvider clock, CancellationToken skipGrace)
{
    public async Task<(AttemptEnding Ending, int ExitCode)> SuperviseAsync(
        IRunningJob job, DateTimeOffset jobDeadline, DateTimeOffset? queueDeadline, TimeSpan grace, CancellationToken cancellationToken,
        Func<TimeSpan, TimeSpan>? interruptedGrace = null)
    {
        var deadline = queueDeadline is { } q && q < jobDeadline ? q : jobDeadline;
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var exit = job.WaitForExitAsync(stopWaiting.Token);
        var timer = TimerSpan.WaitUntilAsync(deadline, clock, stopWaiting.Token);
        await Task.WhenAny(exit, timer).ConfigureAwait(false);

        if (exit.IsCompletedSuccessfully)
        {
            // Cancelled, not just disposed: a disposed token leaves the timer armed until the deadline, and a queue of
            // short jobs with long timeouts would pile up one live timer per attempt (measured: +30 MiB at 10,000).
            stopWaiting.Cancel();
            await job.StopLeftoversAsync(grace, skipGrace).ConfigureAwait(false);
            return (AttemptEnding.Exited, exit.Result);
        }

        var ending = cancellationToken.IsCancellationRequested ? AttemptEnding.Interrupted
            : deadline == jobDeadline ? AttemptEnding.TimedOut
            : AttemptEnding.GlobalTimeout;
        await stopWaiting.CancelAsync().ConfigureAwait(false);
        await IgnoreCancellation(exit).ConfigureAwait(false);
        await IgnoreCancellation(timer).ConfigureAwait(false);

        // Stopping the group must finish even though the run itself is being cancelled.
        // Interrupted: the reason may allow less than kill_grace (a spot notice leaves two minutes for everything).
        var stopGrace = ending == AttemptEnding.Interrupted && interruptedGrace is not null ? interruptedGrace(grace) : grace;
        await job.TerminateAsync(stopGrace, skipGrace).ConfigureAwait(false);
        var code = await job.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return (ending, code);
    }

    private static async Task IgnoreCancellation(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
