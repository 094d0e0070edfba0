using Spawn.Aws;
using Spawn.Core.Model;

namespace Spawn.Hosting;

/// <summary>
/// Where a run keeps its state and logs, and where results go: <paramref name="ResultsDirectory"/> when given
/// (or when the queue names no bucket), else the queue's S3 bucket. Attempt exit files live beside the state file.
/// </summary>
public sealed record RunLocations(string StateFile, string LogDirectory, string? ResultsDirectory, string DefaultResultsDirectory)
{
    public string AttemptsDirectory => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(StateFile))!, "attempts");

    /// <summary>The bucket the queue's results go to, or null when they go to a local directory.</summary>
    public string? ResultBucket(QueueDefinition queue) => ResultsDirectory is null ? queue.ResultS3Bucket : null;

    /// <summary>The local directory results go to when there is no bucket (its prefix not included).</summary>
    public string ResultDirectory => ResultsDirectory ?? DefaultResultsDirectory;

    /// <summary>Where the final <c>queue-state.json</c> is stored at every ending, for people: an S3 URL or a path.</summary>
    public string FinalStateLocation(QueueDefinition queue) =>
        ResultBucket(queue) is { } bucket
            ? S3Keys.Url(bucket, S3Keys.Join(queue.ResultPrefix, S3Keys.StateKey))
            : Path.Combine(Path.GetFullPath(Path.Combine(ResultDirectory, queue.ResultPrefix)), S3Keys.StateKey);
}
