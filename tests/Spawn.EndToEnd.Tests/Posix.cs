using System.Runtime.InteropServices;

namespace Spawn.EndToEnd.Tests;

/// <summary>Signals and process listings for tests that check what is left running.</summary>
internal static partial class Posix
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGSTOP = 19;
    public const int SIGTERM = 15;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chmod(string path, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, ulong request, out int value);

    [LibraryImport("libc")]
    private static partial int close(int fd);

    /// <summary>
    /// Bytes written into the pipe that is <paramref name="fd"/> of process <paramref name="pid"/> and not read yet
    /// (FIONREAD through a second reader opened by /proc), or -1 when it cannot be told.
    /// </summary>
    public static int WaitingInPipe(int pid, int fd)
    {
        const int ReadOnlyNonBlocking = 0x800;
        const ulong FIONREAD = 0x541B;
        var reader = open($"/proc/{pid}/fd/{fd}", ReadOnlyNonBlocking);
        if (reader < 0)
        {
            return -1;
        }

        try
        {
            return ioctl(reader, FIONREAD, out var waiting) == 0 ? waiting : -1;
        }
        finally
        {
            close(reader);
        }
    }

    /// <summary>Pids of live (non-zombie) processes whose command line starts with <paramref name="prefix"/> (e.g. <c>sleep 12345</c>).</summary>
    public static IReadOnlyList<int> ProcessesWith(string prefix)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
                if (cmdline.StartsWith(prefix, StringComparison.Ordinal) && state != "Z")
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>The parent's pid (/proc/PID/stat field 4), or 0 when the process is gone.</summary>
    public static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
