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

    Task PutBytesAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);
}
