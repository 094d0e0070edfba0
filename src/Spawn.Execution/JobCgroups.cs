using System.Security.Cryptography;
using System.Text;

namespace Spawn.Execution;

/// <summary>
/// Where a run puts each attempt's <see cref="Cgroup"/>: <c>{the agent's own cgroup}/spawn-{run}/{attempt}</c> on the
/// cgroup v2 hierarchy. Under systemd the unit delegates its subtree to the agent (<c>Delegate=yes</c> in
/// deploy/spored.service); elsewhere the agent's own cgroup must be writable by it (root, or a delegated user
/// session). Where neither holds, there are none, and an attempt's leftovers are found by its process group alone.
/// </summary>
/// <remarks>
/// The run's folder is named after its attempts directory, one per state file: two runs on one machine never share
/// one, and an agent that comes back to the same state finds the cgroups of the attempts it adopts.
/// </remarks>
public sealed class JobCgroups
{
    /// <summary>Set to <c>off</c>, the agent does not use cgroups even where it could.</summary>
    public const string SwitchVariable = "SPAWN_CGROUPS";

    private JobCgroups(string root) => Root = root;

    public string Root { get; }

    /// <summary>The run's cgroup folder, made now; null (with the reason) where this machine gives the agent none.</summary>
    public static JobCgroups? TryCreate(string attemptsDirectory, out string whyNot)
    {
        if (string.Equals(Environment.GetEnvironmentVariable(SwitchVariable), "off", StringComparison.OrdinalIgnoreCase))
        {
            whyNot = $"{SwitchVariable}=off";
            return null;
        }

        if (OwnCgroup() is not { } own)
        {
            whyNot = "no cgroup v2 hierarchy is mounted";
            return null;
        }

        var root = Path.Combine(own, "spawn-" + RunKey(attemptsDirectory));
        try
        {
            Directory.CreateDirectory(root);

            // Moving a process needs write access to cgroup.procs of both ends' common ancestor: the agent's cgroup.
            File.OpenHandle(Path.Combine(own, "cgroup.procs"), FileMode.Open, FileAccess.Write).Dispose();
            File.OpenHandle(Path.Combine(root, "cgroup.procs"), FileMode.Open, FileAccess.Write).Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            whyNot = $"the agent's cgroup {own} is not writable by it ({e.Message})";
            return null;
        }

        whyNot = "";
        return new JobCgroups(root);
    }

    internal Cgroup For(string attemptName) => new(Path.Combine(Root, attemptName));

    /// <summary>Removes the run's folder once no attempt's cgroup is left in it (one still running stays, with it).</summary>
    public void TryRemove()
    {
        try
        {
            foreach (var attempt in Directory.EnumerateDirectories(Root))
            {
                new Cgroup(attempt).TryRemove();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }

        new Cgroup(Root).TryRemove();
    }

    /// <summary>The directory of this process's cgroup v2 ("0::/path" in /proc/self/cgroup) under the mount.</summary>
    private static string? OwnCgroup()
    {
        var own = File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..];
        var mount = File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).FirstOrDefault(IsCgroup2);
        if (own is null || mount is null)
        {
            return null;
        }

        // Field 4 is the mount's root within the hierarchy ("/" unless a container shows only part of it), field 5
        // where it is mounted.
        var relative = Path.GetRelativePath(mount[3], own);
        var directory = Path.GetFullPath(Path.Combine(mount[4], relative == "." ? "" : relative));
        return directory.StartsWith(mount[4], StringComparison.Ordinal) && Directory.Exists(directory) ? directory : null;
    }

    /// <summary>A mountinfo line's file system type follows the " - " separator.</summary>
    private static bool IsCgroup2(string[] fields)
    {
        var separator = Array.IndexOf(fields, "-");
        return separator > 0 && separator + 1 < fields.Length && fields[separator + 1] == "cgroup2";
    }

    private static string RunKey(string attemptsDirectory) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(attemptsDirectory))))[..12];
}
