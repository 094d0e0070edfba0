using System.Text;
using Spawn.Aws;
using Spawn.Core.State;
using Spawn.Tests.Shared;
using S3Server = Spawn.Tests.Shared.MotoServer;

namespace Spawn.EndToEnd.Tests;

/// <summary>
/// Twenty spot interruption notices at random moments across a chain of ten short jobs, each followed by a resume on
/// the same "instance" (the agent killed as the machine stops, then started again on the same disk) or on a new one
/// (an empty directory whose agent starts from S3, as <c>spawn queue resume</c>'s would). Every job leaves a marker
/// among its results when it completes, and first removes markers an earlier, cut-short run left on the same disk:
/// S3 ends up with one marker per completion.
/// </summary>
public sealed class SpotTortureTests(S3Server s3) : IClassFixture<S3Server>, IDisposable
{
    private const int JobCount = 10;
    private const int Notices = 20;

    private readonly List<Workspace> instances = [];

    public void Dispose()
    {
        foreach (var instance in instances)
        {
            instance.Dispose();
        }
    }

    [Fact]
    public async Task Twenty_notices_each_followed_by_a_resume_here_or_elsewhere_complete_every_job_exactly_once()
    {
        var bucket = await s3.CreateBucketAsync();
        var queueId = S3Workspace.UniqueId("torture");
        var prefix = $"queues/{queueId}";
        var jobs = new StringBuilder();
        for (var i = 0; i < JobCount; i++)
        {
            var dependsOn = i == 0 ? "" : $", \"depends_on\": [\"job{i - 1}\"]";
            // Longer than most windows between two notices: the notices spread over the chain instead of missing it.
            var command = "mkdir -p runs && rm -f runs/$JOB_ID.* && sleep 2.$((RANDOM % 5)) && touch runs/$JOB_ID.$(date +%s%N)";
            jobs.Append($$"""{"job_id": "job{{i}}", "timeout": "1m", "command": "{{command}}", "result_paths": ["runs/job{{i}}.*"]{{dependsOn}}}""");
            jobs.Append(i < JobCount - 1 ? ",\n" : "\n");
        }

        var queueJson = $$"""{"queue_id": "{{queueId}}", "result_s3_bucket": "{{bucket}}", "kill_grace": "2s", "jobs": [{{jobs}}]}""";
        var action = Path.Combine(Path.GetTempPath(), $"spawn-torture-{Guid.NewGuid():N}.json");
        await using var imds = await ImdsStub.StartAsync("i-0torture00000001", "us-east-1", "m5.large", "--life-cycle", "spot", "--spot-action-file", action);
        var random = new Random(20261201);
        var here = NewInstance(imds, queueJson);
        var resumeSince = (DateTimeOffset?)null;
        var (notices, moves) = (0, 0);
        try
        {
            while (notices < Notices)
            {
                await using var agent = Agent(here, resumeSince);
                await Task.Delay(random.Next(100, 1500));
                if (agent.HasExited)
                {
                    break; // the queue completed before this notice
                }

                var noticeAt = DateTimeOffset.UtcNow;
                await File.WriteAllTextAsync(action, $$"""{"action": "stop", "time": "{{QueueStateJson.FormatTime(noticeAt.AddMinutes(2))}}"}""");
                notices++;
                // EC2 takes the machine two minutes after the notice; the agent is done with it long before: it says it waits.
                await Poll.UntilAsync(
                    () => agent.HasExited || agent.Stdout.Contains("waiting for EC2 to take the instance", StringComparison.Ordinal),
                    SpotNotices.Interval + TimeSpan.FromSeconds(20), $"notice {notices} to be handled: {agent.Stdout}{agent.Stderr}");
                Assert.True(agent.HasExited || await StoredAsync(bucket, prefix) is { Status: QueueStatus.Interrupted }, agent.Stdout);
                Posix.kill(agent.Pid, Posix.SIGKILL); // the machine stops (or goes)
                await agent.WaitAsync(TimeSpan.FromSeconds(30));
                File.Delete(action);

                if (random.Next(2) == 0)
                {
                    // A new instance: nothing of this disk, the queue's state and completed results from S3.
                    resumeSince = (await Buckets.StateAsync(s3, bucket, prefix)).StartedAt;
                    here = NewInstance(imds, queueJson);
                    moves++;
                }
            }

            await using var last = Agent(here, resumeSince);
            var run = await last.WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(run.ExitCode == 0, run.ToString());
        }
        finally
        {
            File.Delete(action);
        }

        Assert.True(notices == Notices, $"the queue completed after only {notices} notices: make the jobs slower");
        Assert.InRange(moves, 3, Notices - 3); // both kinds of resume happened, several times
        var final = await Buckets.StateAsync(s3, bucket, prefix);
        Assert.Equal(QueueStatus.Completed, final.Status);
        Assert.All(final.Jobs, job => Assert.Equal((JobStatus.Completed, 1), (job.Status, job.Attempt)));
        var keys = await Buckets.KeysAsync(s3, bucket, prefix);
        for (var i = 0; i < JobCount; i++)
        {
            var markers = keys.Where(k => k.StartsWith($"jobs/job{i}/job{i}.", StringComparison.Ordinal)).ToList();
            Assert.True(markers.Count == 1, $"job{i} completed {markers.Count} times: {string.Join(", ", markers)}");
        }
    }

    /// <summary>The state in S3, or null while there is none yet.</summary>
    private async Task<QueueState?> StoredAsync(string bucket, string prefix)
    {
        try
        {
            return await Buckets.StateAsync(s3, bucket, prefix);
        }
        catch (Amazon.S3.AmazonS3Exception)
        {
            return null;
        }
    }

    private Workspace NewInstance(ImdsStub imds, string queueJson)
    {
        var instance = S3Workspace.Create(s3);
        foreach (var (key, value) in imds.ChildEnvironment)
        {
            instance.Environment[key] = value;
        }

        instance.WriteQueue(queueJson);
        instances.Add(instance);
        return instance;
    }

    /// <param name="resumeSince">Set once the queue has moved: the new instance's unit runs the agent so (spawn queue resume).</param>
    private static BackgroundRun Agent(Workspace instance, DateTimeOffset? resumeSince)
    {
        string[] resume = resumeSince is { } since
            ? ["--resume-from-s3", QueueStateJson.FormatTime(since), "--resumed-at", QueueStateJson.FormatTime(DateTimeOffset.UtcNow)]
            : [];
        return BackgroundRun.Spored(instance, ["run-queue", instance.Path_("queue.json"), "--state-file", instance.StateFile, "--log-dir", instance.LogDir, .. resume]);
    }
}
