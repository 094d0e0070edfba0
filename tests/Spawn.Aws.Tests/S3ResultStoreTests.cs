using Amazon.S3;

namespace Spawn.Aws.Tests;

[Collection(MotoCollection.Name)]
public sealed class S3ResultStoreTests(MotoServer s3)
{
    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(3 * 1024 * 1024 + 7)]
    [InlineData(25 * 1024 * 1024)]
    public async Task A_file_arrives_byte_for_byte_under_the_queue_prefix(int size)
    {
        var bucket = await s3.CreateBucketAsync();
        var file = TestFiles.Write(TestFiles.TempDirectory(), "out.bin", size);
        using var client = s3.CreateSpawnClient();
        var store = new S3ResultStore(bucket, "queues/q1", client, TimeProvider.System);

        await store.PutFileAsync("jobs/train/out.bin", file, CancellationToken.None);

        Assert.Equal(TestFiles.Sha256(file), await TestFiles.Sha256Async(client, bucket, "queues/q1/jobs/train/out.bin"));
    }

    [Fact]
    public async Task Bytes_put_by_key_can_be_read_back()
    {
        var bucket = await s3.CreateBucketAsync();
        using var client = s3.CreateSpawnClient();
        var store = new S3ResultStore(bucket, "/queues/q2/", client, TimeProvider.System);

        await store.PutBytesAsync("queue-state.json", "{\"queue_id\":\"q2\"}"u8.ToArray(), CancellationToken.None);

        using var response = await client.GetObjectAsync(bucket, "queues/q2/queue-state.json");
        Assert.Equal("{\"queue_id\":\"q2\"}", await new StreamReader(response.ResponseStream).ReadToEndAsync());
        Assert.Equal($"s3://{bucket}/queues/q2", store.Location);
    }

    [Fact]
    public async Task A_missing_bucket_fails_at_once_with_a_message_that_names_it()
    {
        var file = TestFiles.Write(TestFiles.TempDirectory(), "a.txt", 10);
        using var client = s3.CreateSpawnClient();
        var log = new StringWriter();
        var store = new S3ResultStore("no-such-bucket-here", "p", client, TimeProvider.System, log);

        var error = await Assert.ThrowsAsync<S3TransferException>(() => store.PutFileAsync("jobs/a/a.txt", file, CancellationToken.None));

        Assert.Contains("s3://no-such-bucket-here/p/jobs/a/a.txt", error.Message);
        Assert.Contains("bucket does not exist", error.Message);
        Assert.Equal("", log.ToString());
    }
}
