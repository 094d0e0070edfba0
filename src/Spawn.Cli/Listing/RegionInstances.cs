using Spawn.Aws.Launch;

namespace Spawn.Cli.Listing;

/// <summary>What EC2 lists of spawn's instances in one region, or why it could not be asked.</summary>
internal sealed record RegionListing(string Region, IReadOnlyList<LaunchedInstance> Instances, string? Problem);

/// <summary>Asks EC2 in each region, all at once, for the instances tagged <c>spawn:queue-id</c>.</summary>
internal sealed class RegionInstances(TimeProvider clock)
{
    /// <summary>As for <c>queue status</c>: long enough for a slow network, short enough that a bad setup does not hang the terminal.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public async Task<IReadOnlyList<RegionListing>> ListAsync(IEnumerable<string> regions, CancellationToken cancellationToken) =>
        await Task.WhenAll(regions.Select(r => ListOneAsync(r, cancellationToken))).ConfigureAwait(false);

    private async Task<RegionListing> ListOneAsync(string region, CancellationToken cancellationToken)
    {
        using var patience = new CancellationTokenSource(Patience, clock);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, patience.Token);
        try
        {
            using var ec2 = AwsClients.Ec2(region);
            return new RegionListing(region, await new InstanceLookup(ec2, region).ListAsync(bounded.Token).ConfigureAwait(false), null);
        }
        catch (OperationCanceledException) when (patience.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new RegionListing(region, [], $"no answer from EC2 within {Patience.TotalSeconds:0} s");
        }
        catch (Exception e) when ((AwsErrorText.IsAwsFailure(e) || e is ArgumentException) && !cancellationToken.IsCancellationRequested)
        {
            // ArgumentException: an SDK configuration it cannot use (a malformed endpoint), found before any request.
            return new RegionListing(region, [], AwsErrorText.Describe(e));
        }
    }
}
