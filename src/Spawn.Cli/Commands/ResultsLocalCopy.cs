using Spawn.Aws;

namespace Spawn.Cli.Commands;

/// <summary>
/// <c>spawn queue results</c> for a queue that ran here without a bucket: its results directory is laid out like the
/// bucket, so the same layout mapping turns it into <c>DIR/{job_id}/…</c> and <c>DIR/queue-state.json</c>.
/// </summary>
internal static class ResultsLocalCopy
{
    public static async Task<int> RunAsync(LocalQueueRecord record, string resultsDirectory, string outputDirectory, string? jobId, CancellationToken cancellationToken)
    {
        // The directory store may hold the prefix as folders (like the bucket) or stand for bucket/prefix itself.
        var withPrefix = Path.Combine(resultsDirectory, record.ResultPrefix.Replace('/', Path.DirectorySeparatorChar));
        var root = Directory.Exists(withPrefix) ? withPrefix : resultsDirectory;
        var items = Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Select(path => (Path: path, Object: ResultObject.From(Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'), new FileInfo(path).Length, "")))
                .Where(i => i.Object is not null && (jobId is null || i.Object.JobId == jobId || i.Object.RelativePath == S3Keys.StateKey))
                .ToList()
            : [];

        var downloaded = new List<string>();
        var failures = new List<DownloadFailure>();
        foreach (var (path, item) in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = Path.Combine(outputDirectory, item!.RelativePath.Replace('/', Path.DirectorySeparatorChar));
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await using (var source = File.OpenRead(path))
                await using (var copy = File.Create(target))
                {
                    await source.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
                }

                downloaded.Add(item.RelativePath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add(new DownloadFailure(item.RelativePath, e.Message));
            }
        }

        var report = new DownloadReport(downloaded, failures, items.Where(i => downloaded.Contains(i.Object!.RelativePath)).Sum(i => i.Object!.Size));
        return await ResultsSummary.PrintAsync(report, root, outputDirectory, jobId).ConfigureAwait(false);
    }
}
