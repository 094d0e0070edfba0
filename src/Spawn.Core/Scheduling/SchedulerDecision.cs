namespace Spawn.Core.Scheduling;

/// <summary>What the runner should do next.</summary>
public abstract record SchedulerDecision
{
    private SchedulerDecision() { }

    /// <summary>Start attempt <paramref name="Attempt"/> (1-based) of the job.</summary>
    public sealed record StartJob(string JobId, int Attempt) : SchedulerDecision;

    /// <summary>Nothing can start before <paramref name="Until"/> (a retry's backoff).</summary>
    public sealed record WaitUntil(DateTimeOffset Until, string JobId) : SchedulerDecision;

    /// <summary>Jobs are running and nothing more may start: wait for one of them.</summary>
    public sealed record WaitForRunningJobs : SchedulerDecision;

    /// <summary>No work remains.</summary>
    public sealed record Finished : SchedulerDecision;
}
