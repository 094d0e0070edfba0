using Spawn.Core.State;

namespace Spawn.Core.Reporting;

/// <summary>One bar of the timeline: an attempt, from its start to its end (a running one ends at the report's time).</summary>
public sealed record ReportAttempt(int Attempt, DateTimeOffset Start, DateTimeOffset End, int? ExitCode, AttemptOutcome Outcome, string? Reason)
{
    public TimeSpan Duration => End - Start;
}

/// <summary>A backoff: the wait between a failed attempt's end and the next attempt's start (or the planned retry).</summary>
public sealed record ReportWait(DateTimeOffset From, DateTimeOffset Until);

/// <summary>One job's row of the timeline.</summary>
/// <param name="DroppedAttempts">Attempts the state no longer keeps (after the first one); the report says how many.</param>
public sealed record ReportRow(
    string JobId,
    JobStatus Status,
    IReadOnlyList<string> DependsOn,
    IReadOnlyList<ReportAttempt> Attempts,
    IReadOnlyList<ReportWait> Waits,
    int DroppedAttempts,
    string? ErrorMessage)
{
    /// <summary>Time the job's attempts ran, summed (backoff waits not included).</summary>
    public TimeSpan Busy => Attempts.Aggregate(TimeSpan.Zero, (sum, a) => sum + a.Duration);

    /// <summary>From the first attempt's start to the last one's end: what the job adds to a path through the graph.</summary>
    public TimeSpan Span => Attempts.Count == 0 ? TimeSpan.Zero : Attempts[^1].End - Attempts[0].Start;
}

/// <summary>Everything <c>spawn queue report</c> shows, computed from the state (and the queue file, for the graph).</summary>
public sealed record RunReport(
    string QueueId,
    string QueueName,
    QueueStatus Status,
    string? ErrorMessage,
    DateTimeOffset? StartedAt,
    DateTimeOffset EndedAt,
    IReadOnlyList<ReportRow> Rows,
    bool DependenciesKnown,
    IReadOnlyList<string> CriticalPath,
    TimeSpan CriticalPathLength,
    TimeSpan Busy,
    int Retries,
    TimeSpan RetryTime,
    TimeSpan Backoff,
    InstanceIdentity? Instance,
    RunCost? Cost)
{
    /// <summary>From the queue's first start to its end (or the last update of a queue still running).</summary>
    public TimeSpan Wall => StartedAt is { } s && EndedAt > s ? EndedAt - s : TimeSpan.Zero;

    /// <summary>Wall time no attempt ran: backoffs, the agent's own work, a machine that was down between resumes.</summary>
    public TimeSpan Idle => Wall > Busy ? Wall - Busy : TimeSpan.Zero;

    /// <summary>The jobs that ran longest, slowest first.</summary>
    public IEnumerable<ReportRow> Slowest(int count) =>
        Rows.Where(r => r.Attempts.Count > 0).OrderByDescending(r => r.Busy).ThenBy(r => r.JobId, StringComparer.Ordinal).Take(count);
}

/// <summary>An estimate of a launched run's cost: its wall time at an on-demand price per hour the user gave.</summary>
public sealed record RunCost(decimal PricePerHour, decimal Estimate);
