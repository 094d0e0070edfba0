using Microsoft.Extensions.Time.Testing;

namespace Spawn.Aws.Tests;

/// <summary>
/// Outages of the S3 server. moto keeps its data in memory, so the server does not really stop: each test talks to it
/// through its own <see cref="PausingProxy"/>, which goes down (every connection dropped or reset, as from a server
/// that died) and comes back to the same data.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class UploadOutageTests(MotoServer s3)
{
    [Fact]
    public async Task An_upload_that_starts_while_the_server_is_down_retries_and_succeeds_once_it_is_back()
    {
        var bucket = await s3.CreateBucketAsync();
        var file = TestFiles.Write(TestFiles.TempDirectory(), "model.bin", 20 * 1024 * 1024);
        await using var proxy = new PausingProxy(s3.Port);
        using var client = S3ClientFactory.Create(MotoServer.Region, proxy.Endpoint);
        var log = new SharedLog();
        var store = new S3ResultStore(bucket, "queues/outage", client, TimeProvider.System, log);
        await proxy.GoDownAsync();

        var upload = store.PutFileAsync("jobs/train/model.bin", file, CancellationToken.None);
        await Poll.UntilAsync(() => Task.FromResult(log.Text.Contains("retrying in", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "a retry notice");
        Assert.False(upload.IsCompleted);
        proxy.ComeBack();
        await upload;

        using var reader = s3.CreateClient();
        Assert.Equal(TestFiles.Sha256(file), await TestFiles.Sha256Async(reader, bucket, "queues/outage/jobs/train/model.bin"));
        Assert.Contains($"upload of {file} to s3://{bucket}/queues/outage/jobs/train/model.bin", log.Text);
    }

    [Fact]
    public async Task A_server_that_stops_in_the_middle_of_a_multipart_upload_and_comes_back_gets_the_whole_file()
    {
        var bucket = await s3.CreateBucketAsync();
        var file = TestFiles.Write(TestFiles.TempDirectory(), "model.bin", 20 * 1024 * 1024);
        await using var proxy = new PausingProxy(s3.Port, pauseAfterBytes: 4 * 1024 * 1024);
        using var client = S3ClientFactory.Create(MotoServer.Region, proxy.Endpoint);
        var log = new SharedLog();
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var store = new S3ResultStore(bucket, "queues/cut", client, clock, log);

        var upload = store.PutFileAsync("jobs/train/model.bin", file, CancellationToken.None);
        await proxy.Paused.WaitAsync(TimeSpan.FromSeconds(30));
        await proxy.GoDownAsync();
        await Poll.UntilAsync(() => Task.FromResult(log.Text.Contains("retrying in", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), "a retry notice");
        Assert.False(upload.IsCompleted);
        proxy.ComeBack();
        // The retry waits on the fake clock; advancing it until the upload ends does not depend on when the wait began.
        await Poll.UntilAsync(
            () =>
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                return Task.FromResult(upload.IsCompleted);
            },
            TimeSpan.FromSeconds(60),
            "the retried upload");
        await upload;

        using var reader = s3.CreateClient();
        Assert.Equal(TestFiles.Sha256(file), await TestFiles.Sha256Async(reader, bucket, "queues/cut/jobs/train/model.bin"));
    }

    [Fact]
    public async Task An_upload_to_a_server_that_stays_down_ends_with_a_clear_error_after_bounded_retries()
    {
        var file = TestFiles.Write(TestFiles.TempDirectory(), "small.txt", 10);
        await using var proxy = new PausingProxy(s3.Port);
        using var client = S3ClientFactory.Create(MotoServer.Region, proxy.Endpoint);
        var log = new SharedLog();
        var store = new S3ResultStore("b", "queues/down", client, new S3Retry(TimeProvider.System, log, maxAttempts: 3, firstDelay: TimeSpan.FromMilliseconds(10)));
        await proxy.GoDownAsync();

        var error = await Assert.ThrowsAsync<S3TransferException>(() => store.PutFileAsync("jobs/a/small.txt", file, CancellationToken.None));

        Assert.Contains("s3://b/queues/down/jobs/a/small.txt", error.Message);
        Assert.Contains("after 3 attempts", error.Message);
        Assert.Equal(2, log.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
