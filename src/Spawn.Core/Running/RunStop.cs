using Spawn.Core.Ports;

namespace Spawn.Core.Running;

/// <summary>
/// What stops a run before its queue has ended. <see cref="Token"/> fires for a signal to the process (the run is
/// interrupted, to be resumed later), for a cancel request (the queue ends, failed) and for a spot interruption
/// notice (interrupted, the machine is about to go); <see cref="CancelRequestAsync"/> and <see cref="Notice"/> then
/// tell them apart. Watching starts at once and ends with <see cref="DisposeAsync"/>.
/// </summary>
internal sealed class RunStop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly CancellationToken _interrupt;
    private readonly Task<CancelRequest?> _request;
    private readonly Task _noticeWatch;
    private InterruptionNotice? _notice;

    /// <param name="since">The queue's first start: older requests are left from an earlier run of the same queue id.</param>
    /// <param name="interrupt">Fires on SIGINT/SIGTERM.</param>
    public RunStop(ICancelRequests requests, IInterruptionNotices? notices, DateTimeOffset since, CancellationToken interrupt)
    {
        _interrupt = interrupt;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
        _request = WatchAsync(requests, since);
        _noticeWatch = notices is null ? Task.CompletedTask : WatchAsync(notices);
    }

    public CancellationToken Token => _stop.Token;

    /// <summary>Once <see cref="Token"/> has fired: the cancel request that stopped the run, or null when a signal did.</summary>
    public Task<CancelRequest?> CancelRequestAsync() => _request;

    /// <summary>The spot interruption notice that stopped the run, if one did (set before <see cref="Token"/> fires).</summary>
    public InterruptionNotice? Notice => Volatile.Read(ref _notice);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _request.ConfigureAwait(false);
        await _noticeWatch.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task<CancelRequest?> WatchAsync(ICancelRequests requests, DateTimeOffset since)
    {
        try
        {
            var request = await requests.WaitAsync(since, _stop.Token).ConfigureAwait(false);
            await _stop.CancelAsync().ConfigureAwait(false);
            return request;
        }
        catch (OperationCanceledException) when (_interrupt.IsCancellationRequested)
        {
            // `spawn queue cancel` ends the instance right after its request, and the shutdown's SIGTERM often comes
            // before the next look: one more look tells a cancelled queue from one to resume. It runs while the job
            // is being stopped, which takes at least as long.
            return await requests.CheckAsync(since, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null; // the run is over
        }
    }

    private async Task WatchAsync(IInterruptionNotices notices)
    {
        try
        {
            var notice = await notices.WaitAsync(_stop.Token).ConfigureAwait(false);
            Volatile.Write(ref _notice, notice);
            await _stop.CancelAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A signal or a cancel request came first, or the run is over.
        }
    }
}
