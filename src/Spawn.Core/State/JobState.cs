namespace Spawn.Core.State;

/// <summary>
/// One job's entry in the state file (the guide's format). Timestamps are null until they happened:
/// the file never carries fake zero times. <see cref="Pid"/> and <see cref="PidStartTime"/> identify
/// the attempt's process group so that a restarted agent can tell it is the same process.
/// <see cref="Interruptions"/> counts attempts cut short by the agent's or machine's death.
/// The current attempt is the one these fields describe; <see cref="EarlierAttempts"/> holds the ended ones before it
/// (null until there is one), so a job that ran once carries no history at all.
/// <see cref="GpuDevices"/> are the GPUs the running attempt was given when jobs run side by side: an agent that adopts
/// the attempt after a crash gives them to no other job.
/// </summary>
public sealed record JobState(
    string JobId,
    JobStatus Status,
    int Attempt,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? CompletedAt = null,
    int? ExitCode = null,
    int? Pid = null,
    ulong? PidStartTime = null,
    bool ResultsUploaded = false,
    string? ErrorMessage = null,
    int Interruptions = 0,
    DateTimeOffset? RetryAt = null,
    EarlierAttempts? EarlierAttempts = null,
    IReadOnlyList<string>? GpuDevices = null)
{
    public static JobState NotStarted(string jobId) => new(jobId, JobStatus.Pending, 0);
}
