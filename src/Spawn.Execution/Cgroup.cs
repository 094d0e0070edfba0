using System.Globalization;

namespace Spawn.Execution;

/// <summary>
/// One cgroup v2 directory that holds one attempt: every process the attempt starts stays in it, whatever it does
/// (setsid, double forks, nohup, job control), so that what is left of the attempt can be listed and stopped.
/// </summary>
/// <remarks>
/// No controller is enabled anywhere: membership and <c>cgroup.kill</c> are all that is used, and they need none. So
/// the "no internal processes" rule never applies, and the agent can stay in the cgroup above.
/// </remarks>
internal sealed class Cgroup(string path)
{
    public string Path => path;

    /// <summary>Makes the directory (an existing one is taken: an adopted attempt's, or a retried start's).</summary>
    public void Create() => Directory.CreateDirectory(path);

    /// <summary>
    /// Shell words that move the shell running them into this cgroup, or say in its stderr that they could not. An
    /// attempt's bash runs them before anything of its command, so nothing it starts is ever outside the cgroup: a
    /// move made from outside, after the spawn, can come too late for a command that forks at once.
    /// </summary>
    public string JoinCommand()
    {
        var procs = Quote(System.IO.Path.Combine(path, "cgroup.procs"));
        var note = Quote($"spored: this job runs without its cgroup {path}: only its process group is stopped when it ends");
        return $"{{ echo $$ >{procs}; }} 2>/dev/null || echo {note} >&2; ";
    }

    /// <summary>The pids in the cgroup now (empty once it is gone).</summary>
    public IReadOnlyList<int> Processes()
    {
        try
        {
            return [.. File.ReadAllLines(System.IO.Path.Combine(path, "cgroup.procs")).Select(line => int.Parse(line, CultureInfo.InvariantCulture))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>True while a live process is in it (an exited one leaves the cgroup at once, reaped or not).</summary>
    public bool IsPopulated()
    {
        try
        {
            return File.ReadAllText(System.IO.Path.Combine(path, "cgroup.events")).Contains("populated 1", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL to every process in it at once, including any forked meanwhile (<c>cgroup.kill</c>, Linux 5.14;
    /// on older kernels each listed process is killed, round after round, by the caller's loop).</summary>
    public void Kill()
    {
        try
        {
            File.WriteAllText(System.IO.Path.Combine(path, "cgroup.kill"), "1");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Signal(ProcessGroup.SIGKILL);
        }
    }

    /// <summary>Sends <paramref name="signal"/> to each process in it.</summary>
    public void Signal(int signal)
    {
        foreach (var pid in Processes())
        {
            Libc.kill(pid, signal);
        }
    }

    /// <summary>Removes the directory once it is empty; false while a process is still in it, or when it is gone.</summary>
    public bool TryRemove()
    {
        try
        {
            Directory.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
