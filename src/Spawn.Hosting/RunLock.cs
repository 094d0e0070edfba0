using Spawn.Core.Ports;
using Spawn.Storage;

namespace Spawn.Hosting;

/// <summary>
/// Takes the state's <see cref="StateLock"/> before a run touches anything: two agents on one state would both run
/// every job. Taken by the commands themselves, ahead of everything they write, so that a refused run changes nothing.
/// </summary>
public static class RunLock
{
    /// <summary>The lock; or null after one line on <paramref name="errors"/>, with <paramref name="heldElsewhere"/>
    /// saying whether another agent holds it (rather than the lock file being unusable).</summary>
    public static StateLock? Take(RunLocations where, TextWriter errors, out bool heldElsewhere)
    {
        heldElsewhere = false;
        try
        {
            if (StateLock.TryAcquire(where.StateFile, out var holder) is { } taken)
            {
                return taken;
            }

            heldElsewhere = true;
            errors.WriteLine($"error: the state {where.StateFile} is in use by another agent ({holder}); nothing was run (wait for it, or stop it)");
            return null;
        }
        catch (StateStoreException e)
        {
            errors.WriteLine($"error: {e.Message}");
            return null;
        }
    }
}
