namespace Spawn.Core.State;

/// <summary>
/// The whole state file: the guide's format plus the queue's name, and the instance that runs it when the agent runs
/// on EC2 (<see cref="Instance"/>: null for a local run, and then left out of the file), and how the agent keeps each
/// job's processes together (<see cref="JobProcesses"/>: "cgroup" or "process group"; null before a run said).
/// </summary>
public sealed record QueueState(
    string QueueId,
    string QueueName,
    QueueStatus Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<JobState> Jobs,
    string? ErrorMessage = null,
    InstanceIdentity? Instance = null,
    string? JobProcesses = null)
{
    public JobState Job(string jobId) => Jobs.First(j => j.JobId == jobId);
}
