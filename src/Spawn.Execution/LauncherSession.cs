namespace Spawn.Execution;

/// <summary>
/// Finds an attempt by the session of the launcher that started it, for when the launcher died after the spawn but
/// before it recorded the pid. The launcher runs one attempt at a time, each attempt leads a process group of its
/// own, and the processes an earlier attempt left behind stay in that attempt's group: so the one group leader in
/// the session, other than the launcher, is the attempt.
/// </summary>
internal static class LauncherSession
{
    /// <summary>The attempt's pid and start time, or null when it is gone (it ran, and ended unrecorded).</summary>
    public static (int Pid, ulong StartTime)? Attempt(int session) =>
        ProcStat.All()
            .Where(p => p.Stat.Session == session && p.Pid == p.Stat.ProcessGroup && p.Pid != session && p.Stat.State != 'Z')
            .Select(p => ((int, ulong)?)(p.Pid, p.Stat.StartTime))
            .FirstOrDefault();
}
