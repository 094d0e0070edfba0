using System.CommandLine;
using Spawn.Aws.Launch;

namespace Spawn.Cli.Launch;

/// <summary>
/// The flags of <c>spawn launch</c> (the guide's, and a few users expect), and of <c>spawn queue resume</c>
/// (<paramref name="forResume"/>), where the queue file (<c>--queue</c>) and the instance type are optional and
/// <c>--on-demand</c> overrides a spot launch.
/// </summary>
internal sealed class LaunchOptions(bool forResume = false)
{
    public bool ForResume => forResume;

    public Option<string> BatchQueue { get; } = forResume
        ? new("--queue") { Description = "A corrected queue file: same queue_id and job ids (default: the file the queue was launched with, from S3)" }
        : new("--batch-queue") { Description = "The queue file (JSON) to run on the instance", Required = true };

    public Option<string> InstanceType { get; } = new("--instance-type")
    {
        Description = forResume ? "EC2 instance type (default: the one the queue ran on)" : "EC2 instance type, e.g. t3.medium, c7g.large (arm64), g5.2xlarge",
        Required = !forResume,
    };

    public Option<bool> OnDemand { get; } = new("--on-demand") { Description = "An on-demand instance, even if the queue ran on spot" };

    public Option<string?> Region { get; } = new("--region") { Description = "Region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's, else us-east-1)" };

    public Option<bool> Spot { get; } = new("--spot")
    {
        Description = "Run on a spot instance (cheaper; EC2 may interrupt it: the agent stops the running job as an interruption, and EC2 stops the instance and starts it again later)",
    };

    public Option<string?> MaxPrice { get; } = new("--max-price") { Description = "With --spot: the most to pay per instance-hour, in USD, e.g. 0.05 (default: up to the on-demand price)" };

    public Option<string?> SpotFallback { get; } = new("--spot-fallback") { Description = "With --spot: on-demand = launch on-demand when EC2 has no spot capacity" };

    public Option<string?> Ami { get; } = new("--ami") { Description = "Image to boot (default: the latest Amazon Linux 2023 of the type's architecture)" };

    public Option<int?> DiskSize { get; } = new("--disk-size") { Description = "Root volume size in GiB (gp3)" };

    public Option<string[]> SecurityGroups { get; } = new("--security-group") { Description = "Security group id (sg-…) or name; repeat for several", AllowMultipleArgumentsPerToken = false };

    public Option<string?> Subnet { get; } = new("--subnet") { Description = "Subnet id" };

    public Option<string?> IamRole { get; } = new("--iam-role") { Description = $"IAM instance profile for the instance (default: {LaunchRequest.DefaultInstanceProfile}, made by `spawn setup`)" };

    public Option<string?> KeyName { get; } = new("--key-name") { Description = "EC2 key pair, for SSH" };

    public Option<string?> Name { get; } = new("--name") { Description = "The instance's Name tag (default: spawn-{queue_id})" };

    public Option<string[]> Tags { get; } = new("--tag") { Description = "Extra tag KEY=VALUE on the instance and its volumes; repeat for several" };

    public Option<string?> Bucket { get; } = new("--bucket") { Description = "Bucket for state and results when the queue names no result_s3_bucket" };

    public Option<bool> KeepInstance { get; } = new("--keep-instance") { Description = "Leave the instance running when the queue ends (no power-off, no dead-man switch)" };

    public Option<string?> AgentDir { get; } = new("--agent-dir") { Description = "Folder with linux-x64/spored and/or linux-arm64/spored (default: beside this spawn, as a release unpacks)" };

    public Option<bool> DryRun { get; } = new("--dry-run") { Description = "Do every check and print the RunInstances request and the user data; create nothing" };

    public Option<bool> Json { get; } = new("--json") { Description = "Print the result as one JSON object" };

    /// <summary>
    /// <c>--parallel</c> (into the uploaded copy's max_parallel; not for a resume, whose copy is the one launched) and
    /// <c>--cpus</c>, <c>--gpus</c> (what the instance has).
    /// </summary>
    public Spawn.Hosting.SlotOptions Slots { get; } = new();

    public IEnumerable<Option> All => forResume
        ? [BatchQueue, InstanceType, Region, Spot, OnDemand, MaxPrice, SpotFallback, Ami, DiskSize, SecurityGroups, Subnet, IamRole, KeyName, Name, Tags, KeepInstance, AgentDir, DryRun, Json, Slots.Cpus, Slots.Gpus]
        : [BatchQueue, InstanceType, Region, Spot, MaxPrice, SpotFallback, Ami, DiskSize, SecurityGroups, Subnet, IamRole, KeyName, Name, Tags, Bucket, KeepInstance, AgentDir, DryRun, Json, .. Slots.All];
}
