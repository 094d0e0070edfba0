namespace Spawn.Storage;

/// <summary>Replaces a file so that readers and crashes see the old bytes or the new ones, never a mix.</summary>
internal static class AtomicFile
{
    // 0600: the state and its journal (and what the directory store keeps) tell job names, commands' errors and
    // result paths, which are the agent user's business only; the mode travels with the rename.
    private static FileStreamOptions PrivateFile()
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 16 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    /// <summary>Temp file in the same directory, (fsync), rename over the target, (fsync of the directory).</summary>
    public static void Write(string path, byte[] content, bool durable) => Write(path, file => file.Write(content), durable);

    /// <summary>Like <see cref="Write(string, byte[], bool)"/>, with the content written by <paramref name="write"/>.</summary>
    public static void Write(string path, Action<Stream> write, bool durable)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = $"{path}.tmp-{Environment.ProcessId}";
        try
        {
            using (var file = new FileStream(temp, PrivateFile()))
            {
                write(file);
                file.Flush(flushToDisk: durable);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp); // only left when something failed before the rename
        }

        if (durable)
        {
            Fsync.DirectoryOf(path);
        }
    }

    public static Task WriteAsync(string path, ReadOnlyMemory<byte> content, bool durable, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(path, file => file.Write(content.Span), durable);
        return Task.CompletedTask;
    }
}
