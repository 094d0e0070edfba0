using System.Runtime.InteropServices;

namespace Spawn.Execution;

/// <summary>
/// The C library calls the launcher needs and .NET does not offer: <c>posix_spawn</c> with a process group and file
/// actions, <c>waitpid</c> for one child's status, <c>setsid</c>, signal dispositions, O_APPEND writes, and
/// reads of its input that can ask whether anything is waiting (<c>poll</c>).
/// </summary>
/// <remarks>
/// The opaque glibc types (<c>posix_spawnattr_t</c>, 336 bytes; <c>posix_spawn_file_actions_t</c>, 80;
/// <c>sigset_t</c>, 128, on x86-64 and arm64 alike) are given zeroed blocks of <see cref="OpaqueSize"/> bytes, which
/// leaves room on any libc. The flag values are the Linux ones, the same on both architectures.
/// </remarks>
internal static unsafe partial class Libc
{
    public const int OpaqueSize = 1024;

    public const short POSIX_SPAWN_SETPGROUP = 0x02;
    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;

    public const int O_RDONLY = 0x0;
    public const int O_WRONLY = 0x1;
    public const int O_CREAT = 0x40;
    public const int O_APPEND = 0x400;
    public const int O_CLOEXEC = 0x80000;

    /// <summary>
    /// 0640 for a job's logs: a job's output may hold secrets, so others on the machine may not read it; the group
    /// may (an operator's group can be given the logs without root). The umask can only take more away.
    /// </summary>
    public const int LogFileMode = 0x1a0;

    /// <summary>0600 for the agent's own records (attempts.log): only the agent's user reads them.</summary>
    public const int RecordFileMode = 0x180;

    public const int EINTR = 4;

    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGTERM = 15;
    public static readonly nint SIG_IGN = 1;

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawn(out int pid, string path, void* fileActions, void* attributes, nint* argv, nint* envp);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_init(void* attributes);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_destroy(void* attributes);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_setflags(void* attributes, short flags);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_setpgroup(void* attributes, int processGroup);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_setsigdefault(void* attributes, void* signals);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_setsigmask(void* attributes, void* signals);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_init(void* fileActions);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_destroy(void* fileActions);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawn_file_actions_addopen(void* fileActions, int fd, string path, int flags, int mode);

    [LibraryImport("libc")]
    public static partial int sigemptyset(void* signals);

    [LibraryImport("libc")]
    public static partial int sigfillset(void* signals);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int waitpid(int pid, out int status, int options);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setsid();

    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int signal);

    public const int WNOHANG = 1;

    /// <summary>prctl option: orphaned descendants are re-parented to this process, not to init, so it can reap them.</summary>
    public const int PR_SET_CHILD_SUBREAPER = 36;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc")]
    public static partial nint signal(int signal, nint handler);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chdir(string path);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint write(int fd, byte* buffer, nint count);

    [LibraryImport("libc")]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint read(int fd, byte* buffer, nint count);

    public const short POLLIN = 0x1;
    public const short POLLHUP = 0x10;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    /// <summary><c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    /// <summary>A wait status as a shell reports it: the exit code, or 128+N for a death by signal N.</summary>
    public static int ExitCode(int status)
    {
        var signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    /// <summary>"No such file or directory": the C library's words for an error number.</summary>
    public static string ErrorText(int error) => Marshal.GetPInvokeErrorMessage(error);
}
