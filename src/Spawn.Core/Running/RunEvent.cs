using Spawn.Core.State;

namespace Spawn.Core.Running;

/// <summary>What a run reports as it goes, for progress displays. <see cref="State"/> is the state after the event.</summary>
public sealed record RunEvent(RunEventKind Kind, string? JobId, string Message, QueueState State, DateTimeOffset At);

public enum RunEventKind
{
    QueueStarted,
    QueueResumed,
    JobStarted,
    JobAdopted,
    JobCompleted,
    JobFailed,
    RetryScheduled,
    JobInterrupted,
    ResultsCollected,
    GlobalTimeout,
    QueueFinished,
    QueueInterrupted,
}

/// <summary>Receives progress; must return quickly (it is called on the runner's path).</summary>
public interface IRunObserver
{
    void Notify(RunEvent runEvent);
}
