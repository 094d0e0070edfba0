using Spawn.Core.Model;
using Spawn.Core.Retry;

namespace Spawn.Core.Planning;

/// <summary>
/// The longest a queue can legally run: its <c>global_timeout</c>, else every attempt of every job running to its
/// timeout and kill grace, with the longest backoff between attempts. An instance's dead-man switch is set from it,
/// so it must never cut a run short that the file allows.
/// </summary>
public static class QueueTimeBound
{
    public static TimeSpan Of(QueueDefinition queue)
    {
        if (queue.GlobalTimeout is { } global)
        {
            return global;
        }

        // Seconds as doubles: a file may ask for absurd timeouts, and the sum must saturate rather than overflow.
        var seconds = 0.0;
        foreach (var job in queue.Jobs)
        {
            var retry = job.Retry;
            var longestWait = Math.Max(retry.MaxDelay.TotalSeconds, (retry.BaseDelay ?? RetryPolicy.DefaultFixedDelay).TotalSeconds) * (1 + retry.EffectiveJitter);
            seconds += (job.Timeout + queue.KillGraceFor(job)).TotalSeconds * retry.MaxAttempts + longestWait * (retry.MaxAttempts - 1);
        }

        return seconds >= TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
    }
}
