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
    DateTimeOffset? ResumedAt = null);
