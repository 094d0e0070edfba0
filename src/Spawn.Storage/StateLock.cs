using System.Globalization;
using System.Text;
using Spawn.Core.Ports;

namespace Spawn.Storage;

/// <summary>
/// One agent per queue state: an exclusive <c>flock(2)</c> on <c>{state}.lock</c>, held for the whole run, with the
/// holder's pid written into the file so that a second agent can name it.
/// </summary>
/// <remarks>
/// A real flock rather than <see cref="FileShare.None"/>: the programs run with <c>System.IO.DisableFileLocking</c>,
/// so .NET's own sharing checks do nothing. The descriptor is opened O_CLOEXEC, so neither the launcher nor any job
/// inherits it: the lock ends with the agent's process, however it dies, even while the launcher and a job run on.
/// </remarks>
public sealed class StateLock : IDisposable
{
    private readonly int _fd;

    private StateLock(int fd) => _fd = fd;

    public static string PathFor(string stateFile) => Path.GetFullPath(stateFile) + ".lock";

    /// <summary>Takes the lock, or returns null with what the lock file says about its holder.</summary>
    /// <exception cref="StateStoreException">The lock file cannot be made or opened (a directory not writable, say).</exception>
    public static StateLock? TryAcquire(string stateFile, out string holder)
    {
        var path = PathFor(stateFile);
        holder = "";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StateStoreException($"cannot create the state's directory for {path}: {e.Message}");
        }

        var fd = Libc.OpenMode(path, Libc.ReadWrite | Libc.Create | Libc.CloseOnExec, Libc.PrivateFileMode);
        if (fd < 0)
        {
            throw new StateStoreException($"cannot open the lock file {path}: {Libc.Describe(Libc.LastError)}");
        }

        if (Libc.Flock(fd, Libc.LockExclusive | Libc.LockNonBlocking) != 0)
        {
            var errno = Libc.LastError;
            _ = Libc.Close(fd);
            if (errno != Libc.WouldBlock)
            {
                throw new StateStoreException($"cannot lock {path}: {Libc.Describe(errno)}");
            }

            holder = HolderOf(path);
            return null;
        }

        // The pid is for people (and the second agent's message); the lock itself is the flock, not the file's text.
        var pid = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        _ = Libc.Truncate(fd, 0);
        _ = Libc.WriteAt(fd, pid, pid.Length, 0);
        return new StateLock(fd);
    }

    /// <summary>Closing the descriptor releases the lock; the file stays, as a stale pid in it is harmless.</summary>
    public void Dispose() => _ = Libc.Close(_fd);

    private static string HolderOf(string path)
    {
        try
        {
            // The holder writes its pid just after it takes the lock: a reader in between finds the file empty.
            var text = File.ReadAllText(path).Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? $"pid {pid}" : "a process whose pid is not yet written";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "another process";
        }
    }
}
