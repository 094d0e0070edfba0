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

    public async Task PutFileAsync(string key, string localPath, CancellationToken cancellationToken)
    {
        var target = Resolve(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);

        // Unique per put, so two puts of one key never share a temp file; the rename makes the whole file appear at once.
        var temp = $"{target}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            await using (var source = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: true))
            await using (var copy = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await source.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
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
