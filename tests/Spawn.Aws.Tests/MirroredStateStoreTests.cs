using Microsoft.Extensions.Time.Testing;
using Spawn.Core.State;

namespace Spawn.Aws.Tests;

[Collection(MotoCollection.Name)]
public sealed class MirroredStateStoreTests(MotoServer s3)
{
    [Fact]
    public async Task A_burst_of_saves_costs_a_couple_of_puts_and_the_last_state_wins()
    {
        var bucket = await s3.CreateBucketAsync();
        using var client = s3.CreateSpawnClient();
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var remote = new CountingResultStore(new S3ResultStore(bucket, "queues/burst", client, clock));
        var stateFile = Path.Combine(TestFiles.TempDirectory(), "state.json");
        var mirror = new MirroredStateStore(new FileStateStore(stateFile), remote, clock);

        for (var step = 1; step <= 100; step++)
        {
            await mirror.SaveAsync(States.Running("burst", step), CancellationToken.None);
        }

        await mirror.FlushAsync(CancellationToken.None);

        // The first save goes up at once; the other 99 wait for the second that the fake clock never lets pass,
        // and the flush sends only the latest of them.
        Assert.InRange(remote.Puts, 1, 2);
        var mirrored = await new S3StateReader(client).ReadAsync(bucket, "queues/burst", CancellationToken.None);
        Assert.Equal(QueueStateJson.Serialize(States.Running("burst", 100)), QueueStateJson.Serialize(mirrored!));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(100), (await new FileStateStore(stateFile).LoadAsync(CancellationToken.None))!.UpdatedAt);
        await mirror.DisposeAsync();
    }

    [Fact]
    public async Task The_mirror_catches_up_within_about_a_second_without_a_flush()
    {
        var bucket = await s3.CreateBucketAsync();
        using var client = s3.CreateSpawnClient();
        await using var mirror = new MirroredStateStore(
            new FileStateStore(Path.Combine(TestFiles.TempDirectory(), "state.json")),
            new S3ResultStore(bucket, "queues/live", client, TimeProvider.System),
            TimeProvider.System);
        var reader = new S3StateReader(client);

        await mirror.SaveAsync(States.Running("live", 1), CancellationToken.None);
        await mirror.SaveAsync(States.Running("live", 2), CancellationToken.None);
        await mirror.SaveAsync(States.Running("live", 3), CancellationToken.None);

        await Poll.UntilAsync(
            async () => (await reader.ReadAsync(bucket, "queues/live", CancellationToken.None))?.Job("train").Pid == 103,
            TimeSpan.FromSeconds(10),
            "the third state in S3");
    }

    [Fact]
    public async Task Disposing_pushes_the_final_state()
    {
        var bucket = await s3.CreateBucketAsync();
        using var client = s3.CreateSpawnClient();
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var mirror = new MirroredStateStore(
            new FileStateStore(Path.Combine(TestFiles.TempDirectory(), "state.json")),
            new S3ResultStore(bucket, "queues/end", client, clock),
            clock);
        await mirror.SaveAsync(States.Running("end", 1), CancellationToken.None);
        await mirror.SaveAsync(States.Running("end", 2) with { Status = QueueStatus.Failed, ErrorMessage = "job train failed" }, CancellationToken.None);

        await mirror.DisposeAsync();

        var mirrored = await new S3StateReader(client).ReadAsync(bucket, "queues/end", CancellationToken.None);
        Assert.Equal(QueueStatus.Failed, mirrored!.Status);
        Assert.Equal("job train failed", mirrored.ErrorMessage);
    }

    [Fact]
    public async Task A_mirror_that_cannot_reach_its_bucket_warns_once_and_never_fails_a_save()
    {
        using var client = s3.CreateSpawnClient();
        var log = new SharedLog();
        var stateFile = Path.Combine(TestFiles.TempDirectory(), "state.json");
        var mirror = new MirroredStateStore(
            new FileStateStore(stateFile),
            new S3ResultStore("bucket-that-is-not-there", "q", client, TimeProvider.System, log),
            TimeProvider.System,
            log);

        await mirror.SaveAsync(States.Running("lost", 1), CancellationToken.None);
        await mirror.FlushAsync(CancellationToken.None);
        await mirror.SaveAsync(States.Running("lost", 2), CancellationToken.None);
        await mirror.DisposeAsync();

        Assert.Equal(102, (await new FileStateStore(stateFile).LoadAsync(CancellationToken.None))!.Job("train").Pid);
        var warnings = log.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var warning = Assert.Single(warnings);
        Assert.Contains("could not mirror the queue state to s3://bucket-that-is-not-there/q/queue-state.json", warning);
        Assert.Contains("bucket does not exist", warning);
    }
}
