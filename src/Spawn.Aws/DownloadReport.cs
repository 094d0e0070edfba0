namespace Spawn.Aws;

/// <summary>What a download of results fetched (paths relative to the output directory) and what failed.</summary>
public sealed record DownloadReport(IReadOnlyList<string> Downloaded, IReadOnlyList<DownloadFailure> Failures, long Bytes);

public sealed record DownloadFailure(string RelativePath, string Reason);
