namespace Spawn.Aws.Launch;

/// <summary>What the instance's bootstrap needs to fetch, verify and start the agent.</summary>
/// <param name="DeadlineMinutes">Minutes after boot at which the dead-man switch powers off; 0 = none (<c>--keep-instance</c>).</param>
/// <param name="ResumedAt">A queue resumed on this new instance by <c>spawn queue resume</c> at that time: the agent starts from S3.</param>
/// <param name="PowerOffWhenDone">The agent powers the instance off when the queue ends (not with <c>--keep-instance</c>).</param>
public sealed record BootstrapSettings(
    string QueueId,
    string Region,
    string Bucket,
    AgentUpload Agent,
    int DeadlineMinutes,
    bool PowerOffWhenDone,
    DateTimeOffset? ResumedAt = null);
