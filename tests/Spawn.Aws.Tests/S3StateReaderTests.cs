using Amazon.S3.Model;
using Spawn.Core.State;

namespace Spawn.Aws.Tests;

[Collection(MotoCollection.Name)]
public sealed class S3StateReaderTests(MotoServer s3)
{
    [Fact]
    public async Task A_queue_that_never_mirrored_reads_as_no_state()
    {
        var bucket = await s3.CreateBucketAsync();
        using var client = s3.CreateSpawnClient();

        Assert.Null(await new S3StateReader(client).ReadAsync(bucket, "queues/never", CancellationToken.None));
    }

    [Fact]
    public async Task A_mirrored_state_reads_back_with_its_running_job()
    {
        var bucket = await s3.CreateBucketAsync();
        using var client = s3.CreateSpawnClient();
        await new S3ResultStore(bucket, "queues/r", client, TimeProvider.System)
            .PutBytesAsync("queue-state.json", QueueStateJson.Serialize(States.Running("r", 1)), CancellationToken.None);

        var state = await new S3StateReader(client).ReadAsync(bucket, "queues/r", CancellationToken.None);

        Assert.Equal(JobStatus.Running, state!.Job("train").Status);
        Assert.Equal(JobStatus.Pending, state.Job("eval").Status);
    }

    [Fact]
    public async Task A_state_object_that_is_not_a_state_file_is_an_error_that_names_it()
    {
        var bucket = await s3.CreateBucketAsync();
        using var client = s3.CreateSpawnClient();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "queues/bad/queue-state.json", ContentBody = "{ not json" });

        var error = await Assert.ThrowsAsync<S3ReadException>(() => new S3StateReader(client).ReadAsync(bucket, "queues/bad", CancellationToken.None));

        Assert.StartsWith($"s3://{bucket}/queues/bad/queue-state.json is not a queue state file", error.Message);
    }

    [Fact]
    public async Task A_missing_bucket_is_an_error_not_an_absent_state()
    {
        using var client = s3.CreateSpawnClient();

        var error = await Assert.ThrowsAsync<S3ReadException>(() => new S3StateReader(client).ReadAsync("no-bucket-x", "queues/q", CancellationToken.None));

        Assert.Contains("bucket does not exist", error.Message);
    }
}
