namespace Spawn.Core.Ports;

/// <summary>
/// A place results go to, laid out like the bucket: keys are relative to the queue's prefix,
/// e.g. <c>jobs/train/model.pt</c> or <c>queue-state.json</c>.
/// </summary>
public interface IResultStore
{
    /// <summary>Where the keys land, for people: <c>s3://bucket/prefix</c> or a directory.</summary>
    string Location { get; }

    Task PutFileAsync(string key, string localPath, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a job's log. Logs are only ever appended to, and not after their job is collected, so a store may
    /// share the file rather than copy it (the directory store links it).
    /// </summary>
    Task PutLogAsync(string key, string logPath, CancellationToken cancellationToken) => PutFileAsync(key, logPath, cancellationToken);

    /// <summary>
    /// True when storing a job's logs takes no longer than a local file operation (the directory store links them).
    /// The runner then lets the job's exit ride to disk with the next save instead of flushing it before the collection.
    /// </summary>
    bool StoresLogsQuickly => false;

    Task PutBytesAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);
}
