using System.CommandLine;
using Spawn.Aws.Launch;

namespace Spawn.Cli.Launch;

/// <summary>The flags of <c>spawn launch</c> (the guide's, and a few users expect).</summary>
internal sealed class LaunchOptions
{
    public Option<string> BatchQueue { get; } = new("--batch-queue") { Description = "The queue file (JSON) to run on the instance", Required = true };

    public Option<string> InstanceType { get; } = new("--instance-type") { Description = "EC2 instance type, e.g. t3.medium, c7g.large (arm64), g5.2xlarge", Required = true };

    public Option<string?> Region { get; } = new("--region") { Description = "Region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's, else us-east-1)" };

    public Option<bool> Spot { get; } = new("--spot") { Description = "Run on a spot instance (cheaper; EC2 may interrupt it)" };

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

    /// <summary><c>--parallel</c> (into the uploaded copy's max_parallel), <c>--cpus</c> and <c>--gpus</c> (what the instance has).</summary>
    public Spawn.Hosting.SlotOptions Slots { get; } = new();

    public IEnumerable<Option> All =>
        [BatchQueue, InstanceType, Region, Spot, Ami, DiskSize, SecurityGroups, Subnet, IamRole, KeyName, Name, Tags, Bucket, KeepInstance, AgentDir, DryRun, Json, .. Slots.All];
}
