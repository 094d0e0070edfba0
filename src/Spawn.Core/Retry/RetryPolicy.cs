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

    /// <summary>The first wait of <c>exponential</c> backoff when the file sets no <c>base_delay</c>.</summary>
    public static readonly TimeSpan DefaultExponentialBase = TimeSpan.FromSeconds(1);

    /// <summary>The wait of <c>fixed</c> backoff when the file sets no <c>base_delay</c> (the guide's 5 s).</summary>
    public static readonly TimeSpan DefaultFixedDelay = TimeSpan.FromSeconds(5);

    /// <summary>The jitter of <c>exponential-jitter</c> when the file sets none.</summary>
    public const double DefaultJitterForExponentialJitter = 0.3;

    /// <summary>The policy of a job without a <c>retry</c> block: one attempt.</summary>
    public static readonly RetryPolicy None = new(1, BackoffStrategy.Exponential, null, DefaultMaxDelay, 0, null, null);

    /// <summary>
    /// Whether an attempt that ended with <paramref name="exitCode"/> may be retried, by the code filters alone
    /// (the caller counts attempts). <c>dont_retry_on_codes</c> wins; with <c>retry_on_codes</c> only listed codes retry.
    /// </summary>
    public bool ShouldRetry(int exitCode)
    {
        if (DontRetryOnCodes is { } dont && dont.Contains(exitCode))
        {
            return false;
        }

        return RetryOnCodes is not { } only || only.Contains(exitCode);
    }

    /// <summary>
    /// The wait after failed attempt <paramref name="failedAttempt"/> (1-based) before the next one. Pure: the caller
    /// supplies <paramref name="random01"/>, a uniform draw in [0,1), which jitter maps onto [delay·(1-j), delay·(1+j)].
    /// </summary>
    public TimeSpan DelayAfter(int failedAttempt, double random01)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempt, 1);
        var delay = Backoff == BackoffStrategy.Fixed ? BaseDelay ?? DefaultFixedDelay : Exponential(failedAttempt);
        var jitter = EffectiveJitter;
        if (jitter <= 0)
        {
            return delay;
        }

        // Uniform in ±jitter·delay around the delay; never negative.
        var factor = 1 + jitter * (2 * Math.Clamp(random01, 0, 1) - 1);
        return TimeSpan.FromTicks(Math.Max(0, (long)Math.Round(delay.Ticks * factor)));
    }

    /// <summary>The jitter actually applied: the file's, or 0.3 for <c>exponential-jitter</c> without one.</summary>
    public double EffectiveJitter =>
        Jitter > 0 ? Jitter : Backoff == BackoffStrategy.ExponentialJitter ? DefaultJitterForExponentialJitter : 0;

    private TimeSpan Exponential(int failedAttempt)
    {
        var baseDelay = BaseDelay ?? DefaultExponentialBase;
        var cap = MaxDelay;

        // Doubling past 62 overflows long ticks long before that; the cap is reached far earlier for any sane base.
        if (baseDelay <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var exponent = Math.Min(failedAttempt - 1, 62);
        var ticks = (double)baseDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= cap.Ticks ? cap : TimeSpan.FromTicks((long)ticks);
    }
}
