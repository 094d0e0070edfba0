namespace Spawn.Storage;

/// <summary>Replaces a file so that readers and crashes see the old bytes or the new ones, never a mix.</summary>
internal static class AtomicFile
{
    /// <summary>Temp file in the same directory, (fsync), rename over the target, (fsync of the directory).</summary>
    public static void Write(string path, byte[] content, bool durable) => Write(path, file => file.Write(content), durable);

    /// <summary>Like <see cref="Write(string, byte[], bool)"/>, with the content written by <paramref name="write"/>.</summary>
    public static void Write(string path, Action<Stream> write, bool durable)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = $"{path}.tmp-{Environment.ProcessId}";
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
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
