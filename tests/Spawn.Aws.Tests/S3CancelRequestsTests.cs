using Spawn.Tests.Shared;
using Amazon.S3.Model;
using Microsoft.Extensions.Time.Testing;
using Spawn.Core.Ports;

namespace Spawn.Aws.Tests;

/// <summary>The agent's watch for <c>{prefix}/control/cancel</c>, against the loopback S3 server.</summary>
[Collection(MotoCollection.Name)]
public sealed class S3CancelRequestsTests(MotoServer s3)
{
    private static readonly DateTimeOffset LongAgo = DateTimeOffset.UtcNow.AddHours(-1);

    [Fact]
    public async Task No_object_is_no_request()
    {
        var bucket = await s3.CreateBucketAsync();
        using var log = new StringWriter();
        using var watch = new S3CancelRequests(s3.CreateClient(), bucket, "queues/q", TimeProvider.System, log);

        Assert.Null(await watch.CheckAsync(LongAgo, CancellationToken.None));
        Assert.Equal("", log.ToString());
    }

    [Fact]
    public async Task The_object_spawn_queue_cancel_puts_is_a_request_with_its_time_and_author()
    {
        var bucket = await s3.CreateBucketAsync();
        var asked = new CancelRequest(new DateTimeOffset(2026, 1, 22, 14, 5, 30, 123, TimeSpan.Zero), "alice@laptop");
        await PutAsync(bucket, "queues/q/control/cancel", CancelRequestJson.Serialize(asked));
        using var watch = new S3CancelRequests(s3.CreateClient(), bucket, "queues/q", TimeProvider.System, TextWriter.Null);

        var request = await watch.CheckAsync(LongAgo, CancellationToken.None);

        Assert.Equal(asked, request);
        Assert.Equal("cancelled by spawn queue cancel (requested at 2026-01-22T14:05:30.123Z)", request!.Reason);
    }

    [Fact]
    public async Task Any_object_at_the_key_is_a_request_made_when_it_was_stored()
    {
        var bucket = await s3.CreateBucketAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);
        await PutAsync(bucket, "p/control/cancel", "not json"u8.ToArray());
        using var watch = new S3CancelRequests(s3.CreateClient(), bucket, "p", TimeProvider.System, TextWriter.Null);

        var request = await watch.CheckAsync(LongAgo, CancellationToken.None);

        Assert.NotNull(request);
        Assert.InRange(request.RequestedAt, before, DateTimeOffset.UtcNow.AddSeconds(2));
        Assert.Null(request.RequestedBy);
    }

    [Fact]
    public async Task A_request_older_than_the_queues_start_is_left_from_an_earlier_run_and_ignored()
    {
        var bucket = await s3.CreateBucketAsync();
        await PutAsync(bucket, "queues/q/control/cancel", CancelRequestJson.Serialize(new CancelRequest(LongAgo, null)));
        using var watch = new S3CancelRequests(s3.CreateClient(), bucket, "queues/q", TimeProvider.System, TextWriter.Null);

        // The object was stored now: a queue that (re)started a minute from now must not see it.
        Assert.Null(await watch.CheckAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None));
        Assert.NotNull(await watch.CheckAsync(DateTimeOffset.UtcNow, CancellationToken.None));
    }

    [Fact]
    public async Task Waiting_looks_again_every_five_seconds_until_the_request_appears()
    {
        var bucket = await s3.CreateBucketAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var watch = new S3CancelRequests(s3.CreateClient(), bucket, "queues/w", clock, TextWriter.Null);
        var waiting = watch.WaitAsync(LongAgo, CancellationToken.None);
        await PutAsync(bucket, "queues/w/control/cancel", CancelRequestJson.Serialize(new CancelRequest(DateTimeOffset.UtcNow, "bob")));

        // Moving the clock on by the interval lets the next look happen; before the first look has ended it moves
        // nothing, so keep moving it until the request is seen.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!waiting.IsCompleted && DateTime.UtcNow < deadline)
        {
            clock.Advance(S3CancelRequests.Interval);
            await Task.WhenAny(waiting, Task.Delay(50));
        }

        Assert.Equal("bob", (await waiting).RequestedBy);
    }

    [Fact]
    public async Task An_unreachable_store_is_no_request_and_is_reported_once()
    {
        using var log = new StringWriter();
        using var watch = new S3CancelRequests(S3ClientFactory.Create("us-east-1", $"http://127.0.0.1:{ImdsStub.FreePort()}"), "b", "queues/q", TimeProvider.System, log);

        Assert.Null(await watch.CheckAsync(LongAgo, CancellationToken.None));
        Assert.Null(await watch.CheckAsync(LongAgo, CancellationToken.None));

        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("spored: warning: could not look for a cancel request at s3://b/queues/q/control/cancel (the queue goes on;", lines[0]);
    }

    private async Task PutAsync(string bucket, string key, byte[] body)
    {
        using var client = s3.CreateClient();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(body), UseChunkEncoding = false });
    }
}
