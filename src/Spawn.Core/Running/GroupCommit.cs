using Spawn.Core.Ports;

namespace Spawn.Core.Running;

/// <summary>
/// Side by side, what the drive loop records reaches the disk on the saver's thread, while the loop goes on starting
/// and ending jobs: one <see cref="IStateStore.MakeDurableAsync"/> for every record made before it starts, however
/// many (a group commit). With the loop waiting for each fdatasync itself, both cores sat idle for a good part of a
/// run of short jobs (bench/README.md, run.sh parallel).
/// </summary>
internal sealed class GroupCommit(BackgroundSaver saver, IStateStore store)
{
    private readonly Lock _gate = new();

    /// <summary>The commit asked for and not started yet: every request until it starts shares it.</summary>
    private TaskCompletionSource? _next;

    /// <summary>Completes once every record made before the call is durable; faults if the disk refused.</summary>
    public Task Request()
    {
        lock (_gate)
        {
            if (_next is null)
            {
                // Continuations run elsewhere: whoever waits for the commit must not hold up the saver's thread.
                _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                saver.Run(Commit);
            }

            return _next.Task;
        }
    }

    private void Commit()
    {
        TaskCompletionSource round;
        lock (_gate)
        {
            // From here on, a new record needs the next commit: this one may already be past it.
            round = _next!;
            _next = null;
        }

        try
        {
            store.MakeDurableAsync(CancellationToken.None).GetAwaiter().GetResult();
            round.SetResult();
        }
        catch (Exception e)
        {
            round.SetException(e);
        }
    }
}
