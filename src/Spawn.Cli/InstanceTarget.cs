using Spawn.Aws.Launch;

namespace Spawn.Cli;

/// <summary>
/// Leads from an instance id (<c>i-…</c>) to the queue launched on it: EC2 describes the instance, and its
/// <c>spawn:queue-id</c> and <c>spawn:results</c> tags name the queue and its home in S3. No SSH.
/// </summary>
internal static class InstanceTarget
{
    public static bool Matches(string target) => InstanceLookup.IsInstanceId(target) && !File.Exists(target);

    /// <summary>The region to ask: the flag, else the one this machine launched the instance in, else the SDK's chain.</summary>
    public static string RegionFor(string instanceId, string? regionFlag) =>
        regionFlag ?? LocalQueueRecord.FindByInstance(instanceId)?.Region ?? AwsClients.ResolveRegion(null);

    /// <summary>The instance with its queue, or a problem in words (never throws for AWS failures).</summary>
    public static async Task<InstanceTargetResult> ResolveAsync(string instanceId, string? regionFlag, CancellationToken cancellationToken)
    {
        var region = RegionFor(instanceId, regionFlag);
        var described = await DescribeAsync(instanceId, region, cancellationToken).ConfigureAwait(false);
        return described.Instance is { QueueId: null } or { Bucket: null }
            ? new InstanceTargetResult(null, $"instance {instanceId} was not launched by spawn (no {InstanceTags.QueueId} / {InstanceTags.Results} tags)")
            : described;
    }

    /// <summary>EC2's view of an instance, or why there is none.</summary>
    public static async Task<InstanceTargetResult> DescribeAsync(string instanceId, string region, CancellationToken cancellationToken)
    {
        try
        {
            using var ec2 = AwsClients.Ec2(region);
            var found = await new InstanceLookup(ec2, region).FindAsync(instanceId, cancellationToken).ConfigureAwait(false);
            return found is null
                ? new InstanceTargetResult(null, $"EC2 knows no instance {instanceId} in {region} (give --region if it is elsewhere; EC2 forgets terminated instances after about an hour)")
                : new InstanceTargetResult(found, null);
        }
        catch (Exception e) when (AwsErrorText.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            return new InstanceTargetResult(null, $"cannot describe instance {instanceId} in {region}: {AwsErrorText.Describe(e)}", AwsFailed: true);
        }
    }
}

/// <param name="AwsFailed">EC2 did not answer (throttled, denied): unlike "no such instance", nothing is known.</param>
internal sealed record InstanceTargetResult(LaunchedInstance? Instance, string? Problem, bool AwsFailed = false);
