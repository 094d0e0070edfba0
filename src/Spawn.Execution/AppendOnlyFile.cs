using System.Runtime.InteropServices;
using System.Text;

namespace Spawn.Execution;

/// <summary>
/// A file opened with O_APPEND, written one line per write(2): writers sharing it (the agent, its launcher, the
/// launcher of an agent that died) never interleave within a line. A .NET append would write at the offset it found
/// the end at, which another writer may have moved.
/// </summary>
internal sealed unsafe class AppendOnlyFile : IDisposable
{
    private readonly int _fd;

    private AppendOnlyFile(string path, int fd) => (Path, _fd) = (path, fd);

    public string Path { get; }

    /// <exception cref="IOException">The file cannot be opened or created.</exception>
    public static AppendOnlyFile Open(string path)
    {
        var fd = Libc.open(path, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND | Libc.O_CLOEXEC, Libc.RecordFileMode);
        return fd >= 0 ? new AppendOnlyFile(path, fd) : throw new IOException($"cannot write {path}: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
    }

    public void AppendLine(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        fixed (byte* pointer = bytes)
        {
            Libc.write(_fd, pointer, bytes.Length);
        }
    }

    public void Dispose() => Libc.close(_fd);
}
