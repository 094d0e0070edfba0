using Spawn.Core.State;

namespace Spawn.Storage.Tests;

/// <summary>Queue states like the runner's: a new snapshot per event that shares every unchanged job record.</summary>
internal static class States
{
    public static readonly DateTimeOffset Start = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);

    public static QueueState Queue(int jobs, string queueId = "q1") => new(
        queueId,
        "nightly",
        QueueStatus.Running,
        Start,
        Start,
        Enumerable.Range(0, jobs).Select(i => JobState.NotStarted($"job-{i:D5}")).ToArray());

    /// <summary>Event <paramref name="n"/>: one job starts, runs or finishes, and the queue's updated_at moves.</summary>
    public static QueueState Event(QueueState state, int n)
    {
        var jobs = state.Jobs.ToArray();
        var at = n % jobs.Length;
        var now = Start.AddSeconds(n + 1);
        var job = jobs[at];
        jobs[at] = job.Status == JobStatus.Running
            ? job with { Status = JobStatus.Completed, CompletedAt = now, ExitCode = 0, Pid = null, PidStartTime = null }
            : job with { Status = JobStatus.Running, Attempt = job.Attempt + 1, StartedAt = now, Pid = 1000 + n, PidStartTime = 123456789UL + (ulong)n };
        return state with { UpdatedAt = now, Jobs = jobs };
    }

    public static void AssertSame(QueueState expected, QueueState? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Jobs = [] }, actual with { Jobs = [] });
        Assert.Equal(expected.Jobs, actual.Jobs);
    }
}
