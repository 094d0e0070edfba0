using Spawn.Core.Ports;
using Spawn.Core.State;

namespace Spawn.Aws;

/// <summary>
/// Keeps the state durable in <paramref name="inner"/> and mirrors it to <c>queue-state.json</c> in the result
/// store while the queue runs, so status can be read without reaching the machine. A burst of saves costs at most
/// one PUT per <see cref="MinimumInterval"/> (the latest state wins); a failed PUT never fails the queue.
/// <see cref="FlushAsync"/> (also run by DisposeAsync) pushes the last state at once.
/// </summary>
public sealed class MirroredStateStore(IStateStore inner, IResultStore remote, TimeProvider clock, TextWriter? log = null) : IStateStore, IAsyncDisposable
{
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);

    private readonly Lock gate = new();
    private readonly SemaphoreSlim putting = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private readonly TextWriter log = log ?? Console.Error;
    private QueueState? pending;
    private bool pushLoopRunning;
    private Task pushLoop = Task.CompletedTask;
    private DateTimeOffset lastPut = DateTimeOffset.MinValue;
    private bool failureReported;
    private bool disposed;

    public string Location => inner.Location;

    public Task<QueueState?> LoadAsync(CancellationToken cancellationToken) => inner.LoadAsync(cancellationToken);

    public async Task SaveAsync(QueueState state, CancellationToken cancellationToken)
    {
        await inner.SaveAsync(state, cancellationToken).ConfigureAwait(false);
        Mirror(state);
    }

    public async Task RecordAsync(QueueState state, CancellationToken cancellationToken)
    {
        await inner.RecordAsync(state, cancellationToken).ConfigureAwait(false);
        Mirror(state);
    }

    public Task MakeDurableAsync(CancellationToken cancellationToken) => inner.MakeDurableAsync(cancellationToken);

    private void Mirror(QueueState state)
    {
        lock (gate)
        {
            pending = state;
            if (!pushLoopRunning && !disposed)
            {
                pushLoopRunning = true;
                pushLoop = Task.Run(PushLoopAsync, CancellationToken.None);
            }
        }
    }

    /// <summary>Pushes the latest saved state now, if it has not gone up yet.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await putting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await PushPendingAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            putting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (gate)
        {
            disposed = true;
        }

        await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        await stopping.CancelAsync().ConfigureAwait(false);
        await pushLoop.ConfigureAwait(false);
        stopping.Dispose();
        putting.Dispose();
    }

    private async Task PushLoopAsync()
    {
        try
        {
            while (true)
            {
                var wait = lastPut + MinimumInterval - clock.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock, stopping.Token).ConfigureAwait(false);
                }

                await putting.WaitAsync(stopping.Token).ConfigureAwait(false);
                try
                {
                    lock (gate)
                    {
                        if (pending is null)
                        {
                            pushLoopRunning = false;
                            return;
                        }
                    }

                    await PushPendingAsync(stopping.Token).ConfigureAwait(false);
                }
                finally
                {
                    putting.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
            lock (gate)
            {
                pushLoopRunning = false;
            }
        }
    }

    /// <summary>Called only while holding <see cref="putting"/>, so PUTs never overtake each other.</summary>
    private async Task PushPendingAsync(CancellationToken cancellationToken)
    {
        QueueState? state;
        lock (gate)
        {
            state = pending;
            pending = null;
        }

        if (state is null)
        {
            return;
        }

        try
        {
            await remote.PutBytesAsync(S3Keys.StateKey, QueueStateJson.Serialize(state), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!failureReported)
            {
                failureReported = true;
                await log.WriteLineAsync($"spawn: warning: could not mirror the queue state to {remote.Location}/{S3Keys.StateKey} (the queue goes on; later failures are not reported): {e.Message}")
                    .ConfigureAwait(false);
            }
        }
        finally
        {
            lastPut = clock.GetUtcNow();
        }
    }
}
