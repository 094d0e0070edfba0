using Amazon.EC2.Model;

namespace Spawn.Aws.Launch;

/// <summary>Everything a launch will do, checked with AWS but nothing created yet (what <c>--dry-run</c> prints).</summary>
public sealed record LaunchPlan(
    string QueueId,
    string Region,
    string Bucket,
    string Prefix,
    InstanceTypeInfo InstanceType,
    string ImageId,
    string AgentPath,
    byte[] QueueBytes,
    AgentUpload Upload,
    string UserData,
    int DeadlineMinutes,
    RunInstancesRequest Request)
{
    /// <summary>What the launch does other than asked, in one line (a spot request EC2 will not stop on interruption).</summary>
    public string? Note { get; init; }

    /// <summary>A resume (<c>spawn queue resume</c>): its uploads replaced the first launch's copies of the agent and
    /// the queue file, which a later resume still needs, so a launch that fails leaves them.</summary>
    public bool Resumes { get; init; }
}

/// <summary>A queue sent to an instance; <paramref name="OnDemandInstead"/>: spot had no capacity (<c>--spot-fallback on-demand</c>), and why.</summary>
public sealed record LaunchedQueue(LaunchPlan Plan, string InstanceId, DateTimeOffset LaunchedAt, string? OnDemandInstead = null);
