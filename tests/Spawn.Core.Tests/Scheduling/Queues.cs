using Spawn.Core.Model;
using Spawn.Core.Retry;

namespace Spawn.Core.Tests.Scheduling;

/// <summary>Small queue definitions for scheduler tests, built without going through the parser.</summary>
internal static class Queues
{
    public static JobDefinition Job(string id, params string[] dependsOn) =>
        new(id, $"echo {id}", TimeSpan.FromMinutes(5), dependsOn, new Dictionary<string, string>(), RetryPolicy.None, [], null);

    public static JobDefinition WithRetry(this JobDefinition job, int maxAttempts, BackoffStrategy backoff = BackoffStrategy.Exponential,
        IReadOnlyList<int>? retryOn = null, IReadOnlyList<int>? dontRetryOn = null) =>
        job with { Retry = new RetryPolicy(maxAttempts, backoff, null, RetryPolicy.DefaultMaxDelay, 0, retryOn, dontRetryOn) };

    public static QueueDefinition Of(FailurePolicy onFailure, params JobDefinition[] jobs) =>
        new("q1", "q1", jobs, GlobalTimeout: null, onFailure, ResultS3Bucket: null, ResultS3Prefix: null, KillGrace: null);

    public static QueueDefinition Of(params JobDefinition[] jobs) => Of(FailurePolicy.Stop, jobs);
}
