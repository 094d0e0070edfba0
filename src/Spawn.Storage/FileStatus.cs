using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Spawn.Storage;

/// <summary>A file's type and identity (device, inode) from one statx call, the same on every architecture.</summary>
internal readonly partial record struct FileStatus(int Type, ulong DeviceMajor, ulong DeviceMinor, ulong Inode)
{
    private const int TypeMask = 0xF000; // S_IFMT
    private const int RegularType = 0x8000; // S_IFREG
    private const int DirectoryFd = -100; // AT_FDCWD
    private const int EmptyPath = 0x1000; // AT_EMPTY_PATH: the descriptor itself
    private const uint WantTypeAndInode = 0x1 | 0x100; // STATX_TYPE | STATX_INO

    public bool IsRegularFile => Type == RegularType;

    /// <summary>
    /// The file an open descriptor refers to; statx rather than stat because struct statx has one layout on every
    /// architecture, where struct stat differs between x64 and arm64.
    /// </summary>
    public static FileStatus? Of(int fd) => Read(fd, string.Empty, EmptyPath);

    /// <summary>The file <paramref name="path"/> names, symlinks followed.</summary>
    public static FileStatus? Of(string path) => Read(DirectoryFd, path, 0);

    private static FileStatus? Read(int dirFd, string path, int flags)
    {
        var buffer = new byte[256]; // sizeof(struct statx)
        if (statx(dirFd, path, flags, WantTypeAndInode, buffer) != 0)
        {
            return null;
        }

        // struct statx: stx_mode (u16) at 28, stx_ino (u64) at 32, stx_dev_major and stx_dev_minor (u32) at 136 and 140.
        return new FileStatus(
            BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(28)) & TypeMask,
            BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(136)),
            BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(140)),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(32)));
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirFd, string path, int flags, uint mask, [Out] byte[] buffer);
}
