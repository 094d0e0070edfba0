using Microsoft.Win32.SafeHandles;

namespace Spawn.Storage;

/// <summary>Durability primitives: fsync of a directory (which .NET cannot open as a stream) and fdatasync of a file.</summary>
internal static class Fsync
{
    /// <summary>Makes a rename or a new file inside the directory holding <paramref name="path"/> survive a power loss.</summary>
    public static void DirectoryOf(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var fd = Libc.Open(directory, Libc.ReadOnly | Libc.Directory | Libc.CloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"cannot open directory {directory} to sync it: {Libc.Describe(Libc.LastError)}");
        }

        try
        {
            if (Libc.FileSync(fd) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed: {Libc.Describe(Libc.LastError)}");
            }
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }

    /// <summary>fdatasync: the file's data (and the size, for an append) reach the disk; timestamps may not.</summary>
    public static void Data(SafeFileHandle file, string pathForErrors)
    {
        var added = false;
        file.DangerousAddRef(ref added);
        try
        {
            if (Libc.DataSync(file.DangerousGetHandle()) != 0)
            {
                throw new IOException($"fdatasync of {pathForErrors} failed: {Libc.Describe(Libc.LastError)}");
            }
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }
}
