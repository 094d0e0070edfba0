using Spawn.Core.Ports;

namespace Spawn.Storage;

/// <summary>
/// A local directory laid out exactly like the bucket: key <c>jobs/train/model.pt</c> lands at
/// <c>{root}/{prefix}/jobs/train/model.pt</c>. Files appear whole (copied to a temp name, then renamed).
/// </summary>
public sealed class DirectoryResultStore(string rootDirectory, string prefix) : IResultStore
{
    private readonly string _base = Path.GetFullPath(Path.Combine(rootDirectory, prefix));

    public string Location => _base;

    public bool StoresLogsQuickly => true;

    /// <summary>A plain copy (copy_file_range in the kernel): local disk is fast, and a thread hop per file is not.</summary>
    public Task PutFileAsync(string key, string localPath, CancellationToken cancellationToken) =>
        PutAsync(key, temp => File.Copy(localPath, temp), cancellationToken);

    /// <summary>
    /// A hard link when the log is on the same file system: no bytes copied (a 2 GiB log costs what an empty one
    /// does) and no new file made, which is most of a short job's cost on some disks. A copy otherwise.
    /// </summary>
    public Task PutLogAsync(string key, string logPath, CancellationToken cancellationToken)
    {
        // Straight to its name when nothing is there yet, the usual case: a link appears whole, and costs one system
        // call where a temp name and a rename took seven.
        cancellationToken.ThrowIfCancellationRequested();
        var target = Resolve(key);
        if (Libc.Link(logPath, target) == 0)
        {
            return Task.CompletedTask;
        }

        if (Libc.LastError == Libc.NoSuchFile)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (Libc.Link(logPath, target) == 0)
            {
                return Task.CompletedTask;
            }
        }

        // An earlier attempt's log is there (replaced whole), or the log is on another file system (copied; a FIFO
        // in its place would block the copy forever).
        return PutAsync(key, temp =>
        {
            if (Libc.Link(logPath, temp) != 0)
            {
                if (ResultSource.ProblemWith(logPath) is { } unreadable)
                {
                    throw new IOException($"{logPath} could not be read: {unreadable}");
                }

                File.Copy(logPath, temp);
            }
        }, cancellationToken);
    }

    private Task PutAsync(string key, Action<string> writeTemp, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var target = Resolve(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);

        // Unique per put, so two puts of one key never share a temp file; the rename makes the whole file appear at once.
        var temp = $"{target}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            writeTemp(temp);
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        return Task.CompletedTask;
    }

    public Task PutBytesAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(Resolve(key), content, durable: false, cancellationToken);

    private string Resolve(string key)
    {
        var target = Path.GetFullPath(Path.Combine(_base, key));
        return target.StartsWith(_base + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? target
            : throw new ArgumentException($"result key \"{key}\" would land outside {_base}", nameof(key));
    }
}
