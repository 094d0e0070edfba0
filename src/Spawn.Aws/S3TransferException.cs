namespace Spawn.Aws;

/// <summary>An upload or download that failed for good: after bounded retries, or at once for errors retrying cannot fix.</summary>
public sealed class S3TransferException(string message, Exception? inner = null) : IOException(message, inner);
