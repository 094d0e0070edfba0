using Spawn.Core.Ports;

namespace Spawn.Core.Running;

/// <summary>A run nobody can cancel from afar (a local run, or results in a local directory): only signals stop it.</summary>
internal sealed class NoCancelRequests : ICancelRequests
{
    public async Task<CancelRequest> WaitAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        throw new InvalidOperationException("an endless wait ended");
    }

    public Task<CancelRequest?> CheckAsync(DateTimeOffset since, CancellationToken cancellationToken) => Task.FromResult<CancelRequest?>(null);
}
