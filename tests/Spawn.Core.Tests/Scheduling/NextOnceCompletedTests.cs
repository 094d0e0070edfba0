using Spawn.Core.Model;
using Spawn.Core.Retry;
using Spawn.Core.Scheduling;

namespace Spawn.Core.Tests.Scheduling;

/// <summary>
/// The runner asks for the next job to be started ahead, to follow the running one the moment it exits 0: the
/// prediction must be exactly what the scheduler then decides, or a job would run out of order.
/// </summary>
public sealed class NextOnceCompletedTests
{
    [Theory]
    [InlineData(1, FailurePolicy.Stop, 100)]
    [InlineData(2, FailurePolicy.Continue, 8)]
    [InlineData(3, FailurePolicy.Continue, 8)]
    [InlineData(4, FailurePolicy.Stop, 100)]
    public void On_random_graphs_with_failures_and_retries_the_prediction_is_what_next_decides_after_a_success(int seed, FailurePolicy onFailure, int oneFailureIn)
    {
        var random = new Random(seed);
        var jobs = Enumerable.Range(0, 200).Select(i =>
        {
            var dependsOn = Enumerable.Range(0, random.Next(0, 4)).Select(_ => i == 0 ? -1 : random.Next(Math.Max(0, i - 20), i)).Where(d => d >= 0).Distinct();
            var job = Queues.Job($"j{i:D3}", [.. dependsOn.Select(d => $"j{d:D3}")]);
            return random.Next(10) == 0 ? job.WithRetry(2, BackoffStrategy.Fixed) : job;
        }).ToArray();
        var scheduler = new QueueScheduler(Queues.Of(onFailure, jobs), null, DateTimeOffset.UnixEpoch, () => 0.5);
        var now = DateTimeOffset.UnixEpoch;
        scheduler.Begin(now);
        var checkedPredictions = 0;

        for (var step = 0; step < 10_000; step++)
        {
            var decision = scheduler.Next(now);
            if (decision is SchedulerDecision.WaitUntil wait)
            {
                now = wait.Until;
                continue;
            }

            if (decision is not SchedulerDecision.StartJob start)
            {
                break;
            }

            scheduler.Apply(new SchedulerEvent.Started(start.JobId, start.Attempt, now));
            var predicted = scheduler.NextOnceCompleted(start.JobId);
            now += TimeSpan.FromSeconds(1);
            var code = random.Next(oneFailureIn) == 0 ? 1 : 0;
            scheduler.Apply(new SchedulerEvent.Exited(start.JobId, code, null, now));
            if (code == 0 && predicted is not null)
            {
                Assert.Equal(predicted, scheduler.Next(now));
                checkedPredictions++;
            }
        }

        Assert.True(checkedPredictions > 20, $"only {checkedPredictions} predictions were checked");
    }

    [Fact]
    public void Nothing_is_predicted_while_a_retry_waits_its_backoff_or_once_the_queue_stops()
    {
        var scheduler = new QueueScheduler(Queues.Of(Queues.Job("a").WithRetry(2, BackoffStrategy.Fixed), Queues.Job("b"), Queues.Job("c", "b")), null, DateTimeOffset.UnixEpoch, () => 0.5);
        var now = DateTimeOffset.UnixEpoch;
        scheduler.Begin(now);
        scheduler.Apply(new SchedulerEvent.Started("a", 1, now));
        Assert.Equal(new SchedulerDecision.StartJob("b", 1), scheduler.NextOnceCompleted("a"));
        scheduler.Apply(new SchedulerEvent.Exited("a", 1, null, now));

        // Not a sequence the sequential runner produces (a retry that waits comes first), but the prediction must not
        // guess past a backoff, which depends on the clock.
        scheduler.Apply(new SchedulerEvent.Started("b", 1, now));
        Assert.Null(scheduler.NextOnceCompleted("b"));
        scheduler.Apply(new SchedulerEvent.GlobalTimeoutExpired("global_timeout 1s exceeded", now));
        Assert.Null(scheduler.NextOnceCompleted("b"));
    }
}
