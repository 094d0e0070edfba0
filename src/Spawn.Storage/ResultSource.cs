using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Spawn.Storage;

/// <summary>
/// Checks that a matched result is a regular file that can be read, before any store copies it. Opening a FIFO the
/// usual way waits for a writer forever, so the check opens without blocking and looks at what it got. Only regular
/// files pass: a device such as /dev/zero reads forever and would fill the store's disk.
/// </summary>
internal static partial class ResultSource
{
    private const int ReadOnlyNonBlocking = 0x800; // O_RDONLY | O_NONBLOCK on Linux
    private const int CloseOnExec = 0x80000;

    /// <summary>Null when <paramref name="path"/> can be copied, otherwise why not, in the C library's words.</summary>
    public static string? ProblemWith(string path)
    {
        var fd = open(path, ReadOnlyNonBlocking | CloseOnExec);
        if (fd < 0)
        {
            return Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        return FileStatus.Of(fd) switch
        {
            null => Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()),
            { IsRegularFile: true } => null,
            _ => "not a regular file (a pipe, socket, device or directory)",
        };
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);
}
