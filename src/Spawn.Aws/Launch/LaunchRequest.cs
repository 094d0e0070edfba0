namespace Spawn.Aws.Launch;

/// <summary>The flags of <c>spawn launch</c> that shape the instance (the queue itself travels separately).</summary>
/// <param name="InstanceProfile">The IAM instance profile; null takes <see cref="DefaultInstanceProfile"/> from <c>spawn setup</c>.</param>
/// <param name="AgentDirectory">Holds <c>linux-x64/spored</c> and/or <c>linux-arm64/spored</c>, as <c>scripts/publish-aot.sh</c> lays them out.</param>
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
    string AgentDirectory)
{
    /// <summary>The instance profile <c>spawn setup</c> creates.</summary>
    public const string DefaultInstanceProfile = "spawn-queue";

    public string EffectiveInstanceProfile => InstanceProfile ?? DefaultInstanceProfile;

    /// <summary><c>--cpus N</c>: what the instance's jobs' cpus are counted against, instead of its vCPUs.</summary>
    public int? Cpus { get; init; }

    /// <summary><c>--gpus N</c>: the instance's GPUs, instead of what DescribeInstanceTypes says.</summary>
    public int? Gpus { get; init; }
}
