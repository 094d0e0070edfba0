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
    RunInstancesRequest Request);

/// <summary>A queue sent to an instance.</summary>
public sealed record LaunchedQueue(LaunchPlan Plan, string InstanceId, DateTimeOffset LaunchedAt);
