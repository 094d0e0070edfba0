using Spawn.Core.Ports;
using Spawn.Core.State;

namespace Spawn.Core.Running;

/// <summary>
/// Runs the saves that flush while the runner goes on (the pid's, once per attempt; side by side, the group commits of
/// <see cref="GroupCommit"/>) one after another on a thread of its own. Through the thread pool each one woke a worker
/// that then spun looking for more work: CPU taken from the command that had just started, on a machine with few
/// cores. The thread sleeps in <see cref="Monitor.Wait(object)"/>, which does not spin either.
/// </summary>
internal sealed class BackgroundSaver : IDisposable
{
    private readonly Queue<(Action Work, TaskCompletionSource Done)> _saves = new();
    private bool _disposed;

    public BackgroundSaver() => new Thread(SaveInTurn) { IsBackground = true, Name = "state flushes" }.Start();

    /// <summary>Completes once the state is saved; not cancellable, as a save under way must not be cut short.</summary>
    public Task SaveAsync(IStateStore store, QueueState state) => Run(() => store.SaveAsync(state, CancellationToken.None).GetAwaiter().GetResult());

    /// <summary>Runs <paramref name="work"/> after what was asked before it; completes when it has run.</summary>
    public Task Run(Action work)
    {
        var done = new TaskCompletionSource();
        lock (_saves)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _saves.Enqueue((work, done));
            Monitor.Pulse(_saves);
        }

        return done.Task;
    }

    public void Dispose()
    {
        lock (_saves)
        {
            _disposed = true;
            Monitor.Pulse(_saves);
        }
    }

    private void SaveInTurn()
    {
        while (true)
        {
            (Action Work, TaskCompletionSource Done) next;
            lock (_saves)
            {
                while (_saves.Count == 0 && !_disposed)
                {
                    Monitor.Wait(_saves);
                }

                if (!_saves.TryDequeue(out next))
                {
                    return;
                }
            }

            try
            {
                // A thread of the saves' own: waiting here holds up nothing but the saves after it.
                next.Work();
                next.Done.SetResult();
            }
            catch (Exception e)
            {
                next.Done.SetException(e);
            }
        }
    }
}
