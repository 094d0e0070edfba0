namespace Spawn.Aws.Launch;

/// <summary>An instance that <c>spawn launch</c> started, as EC2 describes it now.</summary>
public sealed record LaunchedInstance(
    string InstanceId,
    string Region,
    string State,
    string? InstanceType,
    string? PublicIp,
    DateTimeOffset? LaunchTime,
    string? QueueId,
    string? Bucket,
    string? Prefix,
    string? LifeCycle = null);
