using Amazon.S3;
using Amazon.S3.Model;

namespace Spawn.Aws;

/// <summary>
/// Fetches a queue's results to the guide's layout: <c>DIR/{job_id}/…</c> and <c>DIR/queue-state.json</c>, several
/// files at a time, each retried on transient errors. A file that fails is reported, not fatal to the others.
/// </summary>
public sealed class S3ResultDownloader(IAmazonS3 client, S3Retry retry)
{
    private const int ParallelFiles = 4;
    private const int BufferSize = 1024 * 1024;

    /// <param name="jobId">Only this job's files (and queue-state.json); null for all.</param>
    /// <exception cref="S3ReadException">The bucket could not be listed.</exception>
    public async Task<DownloadReport> DownloadAsync(
        string bucket, string prefix, string outputDirectory, string? jobId, IDownloadObserver observer, CancellationToken cancellationToken)
    {
        var objects = (await ListAsync(bucket, prefix, cancellationToken).ConfigureAwait(false))
            .Where(o => jobId is null || o.JobId == jobId || o.RelativePath == S3Keys.StateKey)
            .ToList();
        observer.Planned(objects.Count, objects.Sum(o => o.Size));

        var downloaded = new List<string>();
        var failures = new List<DownloadFailure>();
        await Parallel.ForEachAsync(
            objects,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelFiles, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                observer.Started(item.RelativePath, item.Size);
                try
                {
                    await retry.RunAsync(
                        $"download of {S3Keys.Url(bucket, item.Key)}",
                        token => FetchAsync(bucket, item, outputDirectory, observer, token),
                        ct).ConfigureAwait(false);
                    lock (downloaded)
                    {
                        downloaded.Add(item.RelativePath);
                    }

                    observer.Finished(item.RelativePath, null);
                }
                catch (Exception e) when (e is S3TransferException or IOException or UnauthorizedAccessException)
                {
                    lock (failures)
                    {
                        failures.Add(new DownloadFailure(item.RelativePath, e.Message));
                    }

                    observer.Finished(item.RelativePath, e.Message);
                }
            }).ConfigureAwait(false);

        return new DownloadReport(
            [.. downloaded.Order(StringComparer.Ordinal)],
            [.. failures.OrderBy(f => f.RelativePath, StringComparer.Ordinal)],
            objects.Where(o => downloaded.Contains(o.RelativePath)).Sum(o => o.Size));
    }

    /// <summary>Every result object under the prefix, in key order.</summary>
    public async Task<IReadOnlyList<ResultObject>> ListAsync(string bucket, string prefix, CancellationToken cancellationToken)
    {
        var listPrefix = prefix.Trim('/') is { Length: > 0 } p ? p + "/" : "";
        var found = new List<ResultObject>();
        try
        {
            var request = new ListObjectsV2Request { BucketName = bucket, Prefix = listPrefix };
            do
            {
                var page = await client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
                found.AddRange((page.S3Objects ?? []).Select(o => ResultObject.From(o.Key, o.Size ?? 0, prefix)).OfType<ResultObject>());
                request.ContinuationToken = page.NextContinuationToken;
            }
            while (!string.IsNullOrEmpty(request.ContinuationToken));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new S3ReadException($"cannot list {S3Keys.Url(bucket, listPrefix)}: {S3Failure.Describe(e)}", e);
        }

        return found;
    }

    /// <summary>Writes to a temporary file first, so an interrupted download never looks like a complete one.</summary>
    private Task FetchAsync(string bucket, ResultObject item, string outputDirectory, IDownloadObserver observer, CancellationToken cancellationToken) =>
        FetchToAsync(bucket, item.Key, Path.Combine(outputDirectory, item.RelativePath.Replace('/', Path.DirectorySeparatorChar)),
            total => observer.Progressed(item.RelativePath, total), cancellationToken);

    /// <summary>One object to <paramref name="target"/> (its directory made as needed), through a temporary file beside it.</summary>
    public async Task FetchToAsync(string bucket, string key, string target, Action<long>? progressed, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = target + ".part";
        try
        {
            using (var response = await client.GetObjectAsync(bucket, key, cancellationToken).ConfigureAwait(false))
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
            {
                var buffer = new byte[BufferSize];
                long total = 0;
                int read;
                while ((read = await response.ResponseStream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    total += read;
                    progressed?.Invoke(total);
                }
            }

            File.Move(partial, target, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }
}
