namespace Spawn.Core.State;

/// <summary>How one attempt of a job ended (or that it still runs); written lower-case with underscores in the state.</summary>
public enum AttemptOutcome
{
    Running,
    Completed,
    Failed,

    /// <summary>The job's own <c>timeout</c> ended it (exit code 124).</summary>
    TimedOut,

    /// <summary>Cut short by the agent's or the machine's death, or a stop request: not counted against max_attempts.</summary>
    Interrupted,

    /// <summary>Killed because the queue stopped (global_timeout, a cancel): failed, and not retried.</summary>
    Stopped,
}

/// <summary>Tells how a job's current attempt ended from its record, the one place that reads the scheduler's wording.</summary>
public static class AttemptOutcomes
{
    /// <summary>
    /// The outcome of the attempt <paramref name="job"/>'s own fields describe, or null when they describe none (a job
    /// never started, or one whose last attempt was interrupted and so already moved to its earlier attempts).
    /// </summary>
    public static AttemptOutcome? Current(JobState job) => job switch
    {
        { StartedAt: null } => null,
        { Status: JobStatus.Running } => AttemptOutcome.Running,
        { Status: JobStatus.Completed } => AttemptOutcome.Completed,
        { Status: JobStatus.Failed, ExitCode: null } => AttemptOutcome.Interrupted,
        { Status: JobStatus.Failed, ErrorMessage: { } m } when m.StartsWith("stopped:", StringComparison.Ordinal) => AttemptOutcome.Stopped,
        { Status: JobStatus.Failed, ExitCode: 124, ErrorMessage: { } m } when m.StartsWith("timed out", StringComparison.Ordinal) => AttemptOutcome.TimedOut,
        { Status: JobStatus.Failed } => AttemptOutcome.Failed,
        _ => null,
    };

    /// <summary>The word the state file and the report use: <c>timed_out</c>, <c>interrupted</c> …</summary>
    public static string Word(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.TimedOut => "timed_out",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    public static AttemptOutcome Parse(string word) => word switch
    {
        "running" => AttemptOutcome.Running,
        "completed" => AttemptOutcome.Completed,
        "failed" => AttemptOutcome.Failed,
        "timed_out" => AttemptOutcome.TimedOut,
        "interrupted" => AttemptOutcome.Interrupted,
        "stopped" => AttemptOutcome.Stopped,
        _ => throw new FormatException($"outcome: unknown value \"{word}\""),
    };
}
