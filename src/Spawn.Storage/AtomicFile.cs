namespace Spawn.Storage;

/// <summary>Replaces a file so that readers and crashes see the old bytes or the new ones, never a mix.</summary>
internal static class AtomicFile
{
    /// <summary>Temp file in the same directory, fsync, rename over the target, fsync the directory.</summary>
    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, bool durable, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = $"{path}.tmp-{Environment.ProcessId}";
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.None))
        {
            await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            if (durable)
            {
                file.Flush(flushToDisk: true);
            }
        }

        File.Move(temp, path, overwrite: true);
        if (durable)
        {
            Fsync.DirectoryOf(path);
        }
    }
}
