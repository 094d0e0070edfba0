namespace Spawn.Aws.Launch;

/// <summary>The flags of <c>spawn launch</c> that shape the instance (the queue itself travels separately).</summary>
/// <param name="InstanceProfile">The IAM instance profile; null takes <see cref="DefaultInstanceProfile"/> from <c>spawn setup</c>.</param>
/// <param name="AgentDirectory">Holds <c>linux-x64/spored</c> and/or <c>linux-arm64/spored</c>, as <c>scripts/publish-aot.sh</c> lays them out.</param>
/// <param name="ResumedAt">Set by <c>spawn queue resume</c>: the agent starts from the queue's state in S3, whose run started at
/// <paramref name="ResumeFromS3Since"/>, and failed jobs run again (<c>--resume-from-s3 SINCE --resumed-at TIME</c>).</param>
/// <param name="MaxPrice">With <paramref name="Spot"/>: the most to pay per hour, in USD (default: the on-demand price).</param>
/// <param name="SpotFallbackOnDemand">With <paramref name="Spot"/>: launch on-demand when EC2 has no spot capacity.</param>
public sealed record LaunchRequest(
    string InstanceType,
    string Region,
    bool Spot,
    string? Ami,
    int? DiskSizeGb,
    IReadOnlyList<string> SecurityGroups,
    string? Subnet,
    string? InstanceProfile,
    string? KeyName,
    string? Name,
    IReadOnlyList<KeyValuePair<string, string>> Tags,
    bool KeepInstance,
    string AgentDirectory,
    DateTimeOffset? ResumedAt = null,
    DateTimeOffset? ResumeFromS3Since = null,
    string? MaxPrice = null,
    bool SpotFallbackOnDemand = false)
{
    /// <summary>The instance profile <c>spawn setup</c> creates.</summary>
    public const string DefaultInstanceProfile = "spawn-queue";

    public string EffectiveInstanceProfile => InstanceProfile ?? DefaultInstanceProfile;

    /// <summary><c>--cpus N</c>: what the instance's jobs' cpus are counted against, instead of its vCPUs.</summary>
    public int? Cpus { get; init; }

    /// <summary><c>--gpus N</c>: the instance's GPUs, instead of what DescribeInstanceTypes says.</summary>
    public int? Gpus { get; init; }
}
