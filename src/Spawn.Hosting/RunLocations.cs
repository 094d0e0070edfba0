namespace Spawn.Hosting;

/// <summary>
/// Where a run keeps its state and logs, and where results go: <paramref name="ResultsDirectory"/> when given
/// (or when the queue names no bucket), else the queue's S3 bucket. Attempt exit files live beside the state file.
/// </summary>
public sealed record RunLocations(string StateFile, string LogDirectory, string? ResultsDirectory, string DefaultResultsDirectory)
{
    public string AttemptsDirectory => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(StateFile))!, "attempts");
}
