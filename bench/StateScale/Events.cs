using Spawn.Core.State;

namespace StateScale;

/// <summary>Queue states as the runner produces them: a new snapshot per event, sharing every unchanged job record.</summary>
internal static class Events
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);

    public static QueueState Queue(int jobs) => new(
        $"bench-{jobs}",
        "state-scale",
        QueueStatus.Running,
        Start,
        Start,
        Enumerable.Range(0, jobs).Select(i => JobState.NotStarted($"job-{i:D6}")).ToArray());

    /// <summary>
    /// Event <paramref name="n"/>: one job starts or finishes (spread over the queue), and updated_at moves. One
    /// finish in three is a failure, so a job that starts again retries and carries its earlier attempts, as the
    /// scheduler records them (each record grows until its history is full).
    /// </summary>
    public static QueueState Next(QueueState state, int n)
    {
        var jobs = state.Jobs.ToArray();
        var at = (int)((n * 7919L) % jobs.Length);
        var now = Start.AddMilliseconds(1000L * (n + 1));
        var job = jobs[at];
        var exitCode = n % 3 == 0 ? 1 : 0;
        jobs[at] = job.Status == JobStatus.Running
            ? job with { Status = exitCode == 0 ? JobStatus.Completed : JobStatus.Failed, CompletedAt = now, ExitCode = exitCode, Pid = null, PidStartTime = null, ResultsUploaded = exitCode == 0 }
            : job with
            {
                EarlierAttempts = job.Status == JobStatus.Pending ? job.EarlierAttempts : EarlierAttempts.WithCurrent(job, job.CompletedAt ?? now),
                Status = JobStatus.Running, Attempt = job.Attempt + 1, StartedAt = now, CompletedAt = null, ExitCode = null, Pid = 4000 + (n % 30000), PidStartTime = 987654321UL + (ulong)n,
            };
        return state with { UpdatedAt = now, Jobs = jobs };
    }
}
