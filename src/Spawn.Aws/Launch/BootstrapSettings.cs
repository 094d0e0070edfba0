namespace Spawn.Aws.Launch;

/// <summary>What the instance's bootstrap needs to fetch, verify and start the agent.</summary>
/// <param name="DeadlineMinutes">Minutes after boot at which the dead-man switch powers off; 0 = none (<c>--keep-instance</c>).</param>
/// <param name="ResumeFromS3Since">The agent, finding no state on the machine, starts from the queue's state in S3 if that
/// run started at or after this (a spot launch: a replacement instance goes on; <c>spawn queue resume</c>).</param>
/// <param name="ResumedAt">A queue resumed on this new instance by <c>spawn queue resume</c> at that time.</param>
/// <param name="PowerOffWhenDone">The agent powers the instance off when the queue ends (not with <c>--keep-instance</c>).</param>
public sealed record BootstrapSettings(
    string QueueId,
    string Region,
    string Bucket,
    AgentUpload Agent,
    int DeadlineMinutes,
    bool PowerOffWhenDone,
    DateTimeOffset? ResumeFromS3Since = null,
    DateTimeOffset? ResumedAt = null)
{
    /// <summary>
    /// What the agent is told of the machine: <c>--gpus N</c> from the instance type (or <c>spawn launch --gpus</c>), so a
    /// GPU job is not refused because the driver was not loaded, or is installed by a job, when the agent starts.
    /// </summary>
    public IReadOnlyList<string> AgentFlags { get; init; } = [];
}
