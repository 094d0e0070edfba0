using Spawn.Core.Ports;

namespace Spawn.Aws;

/// <summary>An upload or download that failed for good: after bounded retries, or at once for errors retrying cannot fix.</summary>
/// <param name="what">The transfer ("upload of FILE to URL").</param>
/// <param name="cause">Why, without the file: said once for all the files of a job that failed alike.</param>
public sealed class S3TransferException(string what, string cause, Exception? inner = null) : ResultStoreException($"{what}: {cause}", cause, inner);
