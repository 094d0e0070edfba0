using Amazon.EC2;
using Amazon.EC2.Model;

namespace Spawn.Aws.Launch;

/// <summary>Finds launched instances through EC2: by id (for commands given <c>i-…</c>), or every one in a region.</summary>
public sealed class InstanceLookup(IAmazonEC2 ec2, string region)
{
    /// <summary>True for what EC2 calls an instance id (<c>i-</c> and 8 or 17 hex digits).</summary>
    public static bool IsInstanceId(string value) =>
        value.StartsWith("i-", StringComparison.Ordinal) && value.Length is 10 or 19 && value[2..].All(Uri.IsHexDigit);

    /// <summary>The instance, or null when EC2 does not know it. AWS errors propagate.</summary>
    public async Task<LaunchedInstance?> FindAsync(string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] }, cancellationToken).ConfigureAwait(false);
            return (response.Reservations ?? []).SelectMany(r => r.Instances ?? []).Select(Describe).FirstOrDefault();
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode is "InvalidInstanceID.NotFound" or "InvalidInstanceID.Malformed")
        {
            return null;
        }
    }

    /// <summary>Every instance in the region tagged <c>spawn:queue-id</c>, terminated ones too while EC2 still lists them.</summary>
    public async Task<IReadOnlyList<LaunchedInstance>> ListAsync(CancellationToken cancellationToken)
    {
        var found = new List<LaunchedInstance>();
        var request = new DescribeInstancesRequest { Filters = [new Filter("tag-key", [InstanceTags.QueueId])] };
        do
        {
            var response = await ec2.DescribeInstancesAsync(request, cancellationToken).ConfigureAwait(false);
            found.AddRange((response.Reservations ?? []).SelectMany(r => r.Instances ?? []).Select(Describe));
            request.NextToken = response.NextToken;
        }
        while (!string.IsNullOrEmpty(request.NextToken));

        return found;
    }

    private LaunchedInstance Describe(Instance instance)
    {
        var tags = (instance.Tags ?? []).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        var results = InstanceTags.ParseResults(tags.GetValueOrDefault(InstanceTags.Results));
        return new LaunchedInstance(
            instance.InstanceId,
            region,
            instance.State?.Name?.Value ?? "unknown",
            instance.InstanceType?.Value,
            instance.PublicIpAddress,
            instance.LaunchTime is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null,
            tags.GetValueOrDefault(InstanceTags.QueueId),
            results?.Bucket,
            results?.Prefix,
            instance.InstanceLifecycle?.Value ?? "on-demand");
    }
}
