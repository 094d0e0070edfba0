using System.Runtime.InteropServices;

namespace Spawn.Storage;

/// <summary>The few POSIX calls .NET does not expose: opening a directory or a FIFO without blocking, fsync, fdatasync, hard links, flock.</summary>
internal static partial class Libc
{
    public const int ReadOnly = 0;
    public const int NonBlocking = 0x800; // O_NONBLOCK on Linux
    public const int Directory = 0x10000; // O_DIRECTORY on Linux
    public const int CloseOnExec = 0x80000; // O_CLOEXEC on Linux
    public const int NoSuchFile = 2; // ENOENT
    public const int ReadWrite = 0x2; // O_RDWR
    public const int Create = 0x40; // O_CREAT on Linux
    public const int PrivateFileMode = 0x180; // 0600: only the agent's user
    public const int LockExclusive = 2; // LOCK_EX
    public const int LockNonBlocking = 4; // LOCK_NB
    public const int WouldBlock = 11; // EWOULDBLOCK (EAGAIN) on Linux

    public static int LastError => Marshal.GetLastPInvokeError();

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    /// <summary><c>open</c> with a mode, for O_CREAT.</summary>
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenMode(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Truncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    public static partial nint WriteAt(int fd, byte[] buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int FileSync(int fd);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    public static partial int DataSync(nint fd);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Link(string existing, string newPath);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>"No such file or directory (errno 2)": the C library's words for an errno.</summary>
    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
