namespace Spawn.Core.Ports;

/// <summary>
/// A put into the result store that failed for good. <see cref="Cause"/> is the reason without the file it happened
/// to: when every file of a job fails for one reason (no credentials, access denied), that reason is said once.
/// </summary>
public class ResultStoreException(string message, string cause, Exception? inner = null) : IOException(message, inner)
{
    public string Cause => cause;
}
