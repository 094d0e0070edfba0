using Spawn.Core.Model;
using Spawn.Core.Planning;
using Spawn.Core.State;

namespace Spawn.Core.Reporting;

/// <summary>Builds the report of a run from its state; the queue file, when known, adds the dependency graph.</summary>
public static class RunReportBuilder
{
    /// <param name="queue">The queue's definition, for <c>depends_on</c>; null when it cannot be found.</param>
    /// <param name="pricePerHour">The instance's on-demand price per hour, for a cost estimate; null for none.</param>
    public static RunReport Build(QueueState state, QueueDefinition? queue, decimal? pricePerHour)
    {
        var dependencies = queue?.Jobs.ToDictionary(j => j.JobId, j => j.DependsOn, StringComparer.Ordinal);
        var rows = state.Jobs.Select(job => Row(job, state.UpdatedAt, dependencies?.GetValueOrDefault(job.JobId) ?? [])).ToList();
        // The queue file was validated and holds the state's jobs: its run order puts every job after its dependencies.
        var (path, length) = CriticalPath.Of(rows, queue is null ? [.. rows.Select(r => r.JobId)] : ExecutionPlan.Order(queue));
        var retried = rows.SelectMany(r => r.Attempts.Take(r.Attempts.Count - 1)).Where(a => a.Outcome is AttemptOutcome.Failed or AttemptOutcome.TimedOut).ToList();
        var report = new RunReport(
            state.QueueId,
            state.QueueName,
            state.Status,
            state.ErrorMessage,
            state.StartedAt,
            state.UpdatedAt,
            rows,
            DependenciesKnown: queue is not null,
            path,
            length,
            Busy: Union(rows.SelectMany(r => r.Attempts)),
            Retries: retried.Count + rows.Sum(r => r.DroppedAttempts),
            RetryTime: retried.Aggregate(TimeSpan.Zero, (sum, a) => sum + a.Duration),
            Backoff: rows.SelectMany(r => r.Waits).Aggregate(TimeSpan.Zero, (sum, w) => sum + (w.Until - w.From)),
            state.Instance,
            Cost: null);
        return pricePerHour is { } price
            ? report with { Cost = new RunCost(price, Math.Round(price * (decimal)report.Wall.TotalHours, 4)) }
            : report;
    }

    private static ReportRow Row(JobState job, DateTimeOffset now, IReadOnlyList<string> dependsOn)
    {
        var attempts = new List<ReportAttempt>();
        foreach (var earlier in job.EarlierAttempts?.Kept ?? [])
        {
            attempts.Add(new ReportAttempt(earlier.Attempt, earlier.StartedAt, earlier.EndedAt, earlier.ExitCode, earlier.Outcome, Reason: null));
        }

        if (AttemptOutcomes.Current(job) is { } outcome)
        {
            var start = job.StartedAt!.Value;
            var end = outcome == AttemptOutcome.Running ? now : job.CompletedAt ?? start;
            attempts.Add(new ReportAttempt(job.Attempt, start, end < start ? start : end, job.ExitCode, outcome, job.ErrorMessage));
        }

        var dropped = job.EarlierAttempts?.Dropped ?? 0;
        var waits = new List<ReportWait>();
        for (var i = 0; i + 1 < attempts.Count; i++)
        {
            // No wait is drawn across attempts the state no longer keeps.
            var acrossDropped = dropped > 0 && i == EarlierAttempts.KeepFirst - 1;
            if (!acrossDropped && attempts[i].Outcome is AttemptOutcome.Failed or AttemptOutcome.TimedOut && attempts[i + 1].Start > attempts[i].End)
            {
                waits.Add(new ReportWait(attempts[i].End, attempts[i + 1].Start));
            }
        }

        if (job.RetryAt is { } retryAt && attempts.Count > 0 && retryAt > attempts[^1].End)
        {
            waits.Add(new ReportWait(attempts[^1].End, retryAt));
        }

        return new ReportRow(job.JobId, job.Status, dependsOn, attempts, waits, dropped, job.ErrorMessage);
    }

    /// <summary>The time covered by at least one attempt (attempts of parallel jobs are not counted twice).</summary>
    private static TimeSpan Union(IEnumerable<ReportAttempt> attempts)
    {
        var total = TimeSpan.Zero;
        DateTimeOffset? from = null, until = null;
        foreach (var a in attempts.OrderBy(a => a.Start))
        {
            if (until is { } u && a.Start <= u)
            {
                until = a.End > u ? a.End : u;
                continue;
            }

            total += until - from ?? TimeSpan.Zero;
            (from, until) = (a.Start, a.End);
        }

        return total + (until - from ?? TimeSpan.Zero);
    }
}
