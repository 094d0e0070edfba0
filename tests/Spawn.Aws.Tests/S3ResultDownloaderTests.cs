using Spawn.Core.State;

namespace Spawn.Aws.Tests;

[Collection(MotoCollection.Name)]
public sealed class S3ResultDownloaderTests(MotoServer s3)
{
    private static readonly string[] TreeFiles = ["tiny.bin", "big.bin", "tree/a.txt", "tree/deep/er/b.txt", "tree/deep/c.txt"];

    [Fact]
    public async Task Every_uploaded_file_comes_back_in_the_guide_layout_with_the_same_bytes()
    {
        var (bucket, sources) = await UploadQueueAsync("queues/round-trip");
        var output = TestFiles.TempDirectory();
        using var client = s3.CreateSpawnClient();
        var downloader = new S3ResultDownloader(client, new S3Retry(TimeProvider.System, TextWriter.Null));

        var report = await downloader.DownloadAsync(bucket, "queues/round-trip", output, jobId: null, new SilentDownloadObserver(), CancellationToken.None);

        Assert.Empty(report.Failures);
        Assert.Equal(sources.Keys.Order(StringComparer.Ordinal), report.Downloaded);
        foreach (var (relative, source) in sources)
        {
            Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(Path.Combine(output, relative)));
        }

        Assert.Equal(QueueStatus.Completed, QueueStateJson.Deserialize(File.ReadAllBytes(Path.Combine(output, "queue-state.json"))).Status);
        Assert.False(File.Exists(Path.Combine(output, "notes.txt")));
        Assert.Empty(Directory.EnumerateFiles(output, "*.part", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task The_job_filter_fetches_one_job_and_the_queue_state()
    {
        var (bucket, _) = await UploadQueueAsync("queues/one-job");
        var output = TestFiles.TempDirectory();
        using var client = s3.CreateSpawnClient();
        var downloader = new S3ResultDownloader(client, new S3Retry(TimeProvider.System, TextWriter.Null));

        var report = await downloader.DownloadAsync(bucket, "queues/one-job", output, "eval", new SilentDownloadObserver(), CancellationToken.None);

        Assert.Equal(["eval/metrics.json", "eval/stderr.log", "eval/stdout.log", "queue-state.json"], report.Downloaded);
        Assert.False(Directory.Exists(Path.Combine(output, "train")));
    }

    [Fact]
    public async Task A_file_that_cannot_be_written_is_reported_and_the_others_still_arrive()
    {
        var (bucket, _) = await UploadQueueAsync("queues/blocked");
        var output = TestFiles.TempDirectory();
        File.WriteAllText(Path.Combine(output, "eval"), "a file where the eval folder should go");
        using var client = s3.CreateSpawnClient();
        var downloader = new S3ResultDownloader(client, new S3Retry(TimeProvider.System, TextWriter.Null, maxAttempts: 2, firstDelay: TimeSpan.FromMilliseconds(1)));

        var report = await downloader.DownloadAsync(bucket, "queues/blocked", output, null, new SilentDownloadObserver(), CancellationToken.None);

        Assert.Equal(["eval/metrics.json", "eval/stderr.log", "eval/stdout.log"], report.Failures.Select(f => f.RelativePath));
        Assert.All(report.Failures, f => Assert.Contains("download of s3://", f.Reason));
        Assert.Contains("train/big.bin", report.Downloaded);
    }

    [Fact]
    public async Task Keys_that_would_escape_the_output_directory_are_not_results()
    {
        Assert.Null(ResultObject.From("p/jobs/a/../../etc/passwd", 1, "p"));
        Assert.Null(ResultObject.From("p/jobs/a", 1, "p"));
        Assert.Null(ResultObject.From("p/other/a.txt", 1, "p"));
        Assert.Null(ResultObject.From("q/jobs/a/b.txt", 1, "p"));
        Assert.Equal("a/b/c.txt", ResultObject.From("p/jobs/a/b/c.txt", 1, "p")!.RelativePath);
        Assert.Equal("a/b.txt", ResultObject.From("jobs/a/b.txt", 1, "")!.RelativePath);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Listing_a_bucket_that_does_not_exist_says_so()
    {
        using var client = s3.CreateSpawnClient();
        var downloader = new S3ResultDownloader(client, new S3Retry(TimeProvider.System, TextWriter.Null));

        var error = await Assert.ThrowsAsync<S3ReadException>(() => downloader.DownloadAsync("missing-bucket", "queues/x", TestFiles.TempDirectory(), null, new SilentDownloadObserver(), CancellationToken.None));

        Assert.Contains("s3://missing-bucket/queues/x/", error.Message);
        Assert.Contains("bucket does not exist", error.Message);
    }

    /// <summary>Uploads what a finished two-job queue leaves: logs, results of several shapes and the state.</summary>
    private async Task<(string Bucket, Dictionary<string, string> Sources)> UploadQueueAsync(string prefix)
    {
        var bucket = await s3.CreateBucketAsync();
        var work = TestFiles.TempDirectory();
        using var client = s3.CreateSpawnClient();
        var store = new S3ResultStore(bucket, prefix, client, TimeProvider.System);
        var sources = new Dictionary<string, string>();

        async Task PutAsync(string job, string relative, int size)
        {
            var source = TestFiles.Write(work, $"{job}/{relative}", size);
            await store.PutFileAsync($"jobs/{job}/{relative}", source, CancellationToken.None);
            sources[$"{job}/{relative}"] = source;
        }

        await PutAsync("train", "tiny.bin", 1);
        await PutAsync("train", "big.bin", 25 * 1024 * 1024);
        foreach (var file in TreeFiles.Skip(2))
        {
            await PutAsync("train", file, 100);
        }

        await PutAsync("train", "stdout.log", 50);
        await PutAsync("train", "stderr.log", 0);
        await PutAsync("eval", "metrics.json", 20);
        await PutAsync("eval", "stdout.log", 5);
        await PutAsync("eval", "stderr.log", 5);
        var state = States.Running("q", 9) with { Status = QueueStatus.Completed };
        var stateFile = Path.Combine(work, "queue-state.json");
        await File.WriteAllBytesAsync(stateFile, QueueStateJson.Serialize(state));
        await store.PutBytesAsync("queue-state.json", QueueStateJson.Serialize(state), CancellationToken.None);
        sources["queue-state.json"] = stateFile;
        await client.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = $"{prefix}/notes.txt", ContentBody = "not a result" });
        return (bucket, sources);
    }
}
