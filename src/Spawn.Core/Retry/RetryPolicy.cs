namespace Spawn.Core.Retry;

/// <summary>
/// How often a job is tried and how long to wait in between. MaxAttempts counts every attempt,
/// including the first. Null code lists mean "no filter".
/// </summary>
public sealed record RetryPolicy(
    int MaxAttempts,
    BackoffStrategy Backoff,
    TimeSpan? BaseDelay,
    TimeSpan MaxDelay,
    double Jitter,
    IReadOnlyList<int>? RetryOnCodes,
    IReadOnlyList<int>? DontRetryOnCodes)
{
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromMinutes(5);

    /// <summary>The policy of a job without a <c>retry</c> block: one attempt.</summary>
    public static readonly RetryPolicy None = new(1, BackoffStrategy.Exponential, null, DefaultMaxDelay, 0, null, null);
}
