namespace Spawn.Core.State;

/// <summary>The whole state file: the guide's format plus the queue's name.</summary>
public sealed record QueueState(
    string QueueId,
    string QueueName,
    QueueStatus Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<JobState> Jobs,
    string? ErrorMessage = null)
{
    public JobState Job(string jobId) => Jobs.First(j => j.JobId == jobId);
}
