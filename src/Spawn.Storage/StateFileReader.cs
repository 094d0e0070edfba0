using Spawn.Core.Ports;
using Spawn.Core.State;

namespace Spawn.Storage;

/// <summary>Reads a state file for the runner or for people (status, logs), with errors that say what to do.</summary>
public static class StateFileReader
{
    /// <exception cref="StateStoreException">The file cannot be read or is not a state file; it is left untouched.</exception>
    public static QueueState Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StateStoreException($"cannot read state file {path}: {e.Message}", e);
        }

        try
        {
            return QueueStateJson.Deserialize(bytes);
        }
        catch (FormatException e)
        {
            throw new StateStoreException(
                $"state file {path} is not a valid state file ({e.Message}): left untouched; fix it, or start over with --fresh, which keeps it as a backup", e);
        }
    }
}
