using System.Runtime.InteropServices;

namespace Spawn.Execution;

/// <summary>
/// Signals to a whole process group, and whether any live member is left. A job can only escape its group by
/// calling setsid/setpgid itself (as a daemonising program does); such processes are outside what we can stop.
/// </summary>
/// <remarks>
/// The launcher makes the group before it reports the pid, so the group normally exists; should it not (a leader
/// gone and reaped while its children live on in no group we can name), the leader is signalled alone. Callers
/// identify the leader by pid and start time so that a reused pid is never signalled.
/// </remarks>
internal static class ProcessGroup
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    private const int ESRCH = 3;

    public static void Signal(int groupId, ulong leaderStartTime, int signal)
    {
        if (Libc.kill(-groupId, signal) == 0)
        {
            return;
        }

        var error = Marshal.GetLastPInvokeError();
        if (error != ESRCH)
        {
            throw new IOException($"cannot signal process group {groupId} (errno {error})");
        }

        if (ProcStat.IsRunning(groupId, leaderStartTime))
        {
            Libc.kill(groupId, signal);
        }
    }

    /// <summary>True while the leader or any other process of the group is alive. Zombies do not count: they are already dead.</summary>
    public static bool IsAlive(int groupId, ulong leaderStartTime) => ProcStat.IsRunning(groupId, leaderStartTime) || HasLiveMember(groupId);

    private static bool HasLiveMember(int groupId)
    {
        if (Libc.kill(-groupId, 0) != 0)
        {
            return false;
        }

        // Someone has the group id; it may only be unreaped zombies, so look at each process's state.
        return LiveMembers(groupId).Any();
    }

    /// <summary>The group's processes that are not zombies, from a scan of /proc.</summary>
    public static IEnumerable<(int Pid, ProcStat Stat)> LiveMembers(int groupId) =>
        ProcStat.All().Where(p => p.Stat.ProcessGroup == groupId && p.Stat.State != 'Z');
}
