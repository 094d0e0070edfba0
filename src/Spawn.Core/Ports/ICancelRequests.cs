namespace Spawn.Core.Ports;

/// <summary>
/// Where requests to cancel a running queue come from (for the agent, an object in the queue's S3 prefix). A request
/// made before <c>since</c>, the queue's first start, is left over from an earlier run of the same queue id and is
/// not one: a queue launched again after a cancel must not end at once.
/// </summary>
public interface ICancelRequests
{
    /// <summary>
    /// Completes when a request made since <paramref name="since"/> is seen, looking as often as the source sees fit.
    /// A look that fails is not an error: the source reports it as it likes and looks again. Only cancellation ends it otherwise.
    /// </summary>
    Task<CancelRequest> WaitAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>One look, now: the request, or null when there is none or the source did not answer in time.</summary>
    Task<CancelRequest?> CheckAsync(DateTimeOffset since, CancellationToken cancellationToken);
}
