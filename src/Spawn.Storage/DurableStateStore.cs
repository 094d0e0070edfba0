using System.Globalization;
using Spawn.Core.Ports;
using Spawn.Core.State;

namespace Spawn.Storage;

/// <summary>
/// The state file in the guide's format, replaced atomically and durably at every save (temp file, fsync, rename,
/// fsync of the directory): after a crash it holds the last saved state or the one before, never a torn file.
/// A file it cannot read is reported and left exactly as it is.
/// </summary>
public sealed class DurableStateStore(string path) : IStateStore
{
    public string Location => path;

    public Task<QueueState?> LoadAsync(CancellationToken cancellationToken) =>
        Task.FromResult(File.Exists(path) ? StateFileReader.Read(path) : null);

    public Task SaveAsync(QueueState state, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(path, QueueStateJson.Serialize(state), durable: true, cancellationToken);

    /// <summary>For <c>--fresh</c>: moves the state file aside as <c>{path}.bak-YYYYMMDD-HHMMSS</c> and returns the new name.</summary>
    public static string BackUp(string path, TimeProvider clock)
    {
        var stamp = clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var backup = $"{path}.bak-{stamp}";
        for (var n = 2; File.Exists(backup); n++)
        {
            backup = $"{path}.bak-{stamp}-{n}";
        }

        File.Move(path, backup);
        return backup;
    }
}
