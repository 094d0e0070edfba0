using Amazon.EC2;
using Amazon.EC2.Model;
using Spawn.Aws.Launch;

namespace Spawn.Aws;

/// <summary>
/// Cancels the spot request that fulfilled this instance. <c>spawn launch --spot</c> makes a persistent request, so
/// that EC2 starts the instance again after an interruption; once the queue has ended, a power-off (which terminates
/// the instance) would otherwise leave the request open and EC2 would start a replacement. The request is found by
/// the instance that fulfilled it (IMDS does not carry its id); a one-time request, already closed, is left alone.
/// </summary>
public static class SpotRequestCancellation
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>How the answer starts when there was nothing to cancel.</summary>
    public const string NothingOpen = "no open spot request";

    /// <summary>One line for the agent's log: what was cancelled, that there was nothing to cancel, or why it failed.</summary>
    /// <returns>True when no open request of this instance is left.</returns>
    public static async Task<(bool Done, string Said)> CancelOwnAsync(string instanceId, string region, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var patience = new CancellationTokenSource(Patience, clock);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(patience.Token, cancellationToken);
        try
        {
            using var ec2 = AwsClients.Ec2(region);
            var found = await ec2.DescribeSpotInstanceRequestsAsync(new DescribeSpotInstanceRequestsRequest
            {
                Filters = [new Filter("instance-id", [instanceId])],
            }, waiting.Token).ConfigureAwait(false);
            var open = (found.SpotInstanceRequests ?? [])
                .Where(r => r.State?.Value is "open" or "active" or "disabled")
                .Select(r => r.SpotInstanceRequestId)
                .ToList();
            if (open.Count == 0)
            {
                return (true, $"{NothingOpen} of {instanceId} to cancel");
            }

            await ec2.CancelSpotInstanceRequestsAsync(new CancelSpotInstanceRequestsRequest { SpotInstanceRequestIds = open }, waiting.Token).ConfigureAwait(false);
            return (true, $"cancelled spot request {string.Join(", ", open)} of {instanceId}, so that EC2 starts no replacement");
        }
        catch (Exception e) when (AwsErrorText.IsAwsFailure(e) || (e is OperationCanceledException && patience.IsCancellationRequested))
        {
            var why = e is OperationCanceledException ? $"no answer within {Patience.TotalSeconds:0} s" : AwsErrorText.Describe(e);
            return (false, $"could not cancel the spot request of {instanceId} ({why}): EC2 may start a replacement instance, which resumes the queue from S3 and tries again");
        }
    }
}
