using Spawn.Core.Retry;

namespace Spawn.Core.Tests.Retry;

/// <summary>The older implementation's retry suite, re-expressed in our semantics (DESIGN.md).</summary>
public sealed class RetryPolicyTests
{
    private static RetryPolicy Policy(BackoffStrategy backoff, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null, double jitter = 0,
        int[]? retryOn = null, int[]? dontRetryOn = null) =>
        new(5, backoff, baseDelay, maxDelay ?? RetryPolicy.DefaultMaxDelay, jitter, retryOn, dontRetryOn);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    [InlineData(5, 16)]
    [InlineData(10, 60)]
    public void Exponential_backoff_with_base_1s_and_max_1m_doubles_until_the_cap(int failedAttempt, int seconds)
    {
        var policy = Policy(BackoffStrategy.Exponential, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.FromSeconds(seconds), policy.DelayAfter(failedAttempt, 0.5));
    }

    [Fact]
    public void Exponential_backoff_without_base_delay_waits_1s_2s_4s_as_the_guide_says()
    {
        var policy = Policy(BackoffStrategy.Exponential);
        Assert.Equal([1, 2, 4], [.. Enumerable.Range(1, 3).Select(n => policy.DelayAfter(n, 0.5).TotalSeconds)]);
    }

    [Fact]
    public void Exponential_backoff_is_capped_by_max_delay_even_after_many_attempts()
    {
        var policy = Policy(BackoffStrategy.Exponential, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(10), policy.DelayAfter(10, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(10), policy.DelayAfter(1000, 0.5));
    }

    [Fact]
    public void Exponential_backoff_without_max_delay_stops_growing_at_5_minutes()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), Policy(BackoffStrategy.Exponential).DelayAfter(20, 0.5));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Fixed_backoff_waits_5s_every_time(int failedAttempt)
    {
        Assert.Equal(TimeSpan.FromSeconds(5), Policy(BackoffStrategy.Fixed).DelayAfter(failedAttempt, 0.9));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Fixed_backoff_with_base_delay_waits_that_long_every_time(int failedAttempt)
    {
        Assert.Equal(TimeSpan.FromSeconds(3), Policy(BackoffStrategy.Fixed, TimeSpan.FromSeconds(3)).DelayAfter(failedAttempt, 0.1));
    }

    [Fact]
    public void Exponential_jitter_of_0_3_after_attempt_3_stays_within_2_8s_and_5_2s_over_many_draws()
    {
        var policy = Policy(BackoffStrategy.ExponentialJitter, jitter: 0.3);
        var random = new Random(42);
        var delays = Enumerable.Range(0, 10_000).Select(_ => policy.DelayAfter(3, random.NextDouble())).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(2.8), TimeSpan.FromSeconds(5.2)));
        // Spread over the whole range, not stuck at 4 s.
        Assert.True(delays.Min() < TimeSpan.FromSeconds(2.9) && delays.Max() > TimeSpan.FromSeconds(5.1));
    }

    [Fact]
    public void Jitter_maps_the_ends_of_the_random_draw_to_the_ends_of_the_range()
    {
        var policy = Policy(BackoffStrategy.Exponential, jitter: 0.3);
        Assert.Equal(TimeSpan.FromSeconds(2.8), policy.DelayAfter(3, 0));
        Assert.Equal(TimeSpan.FromSeconds(4), policy.DelayAfter(3, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(5.2), policy.DelayAfter(3, 1));
    }

    [Fact]
    public void Exponential_jitter_without_an_explicit_jitter_uses_0_3()
    {
        var policy = Policy(BackoffStrategy.ExponentialJitter);
        Assert.Equal(0.3, policy.EffectiveJitter);
        Assert.Equal(TimeSpan.FromSeconds(2.8), policy.DelayAfter(3, 0));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(127)]
    [InlineData(137)]
    [InlineData(255)]
    public void Without_code_lists_every_exit_code_retries(int exitCode)
    {
        Assert.True(Policy(BackoffStrategy.Exponential).ShouldRetry(exitCode));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(127, false)]
    [InlineData(137, true)]
    public void Dont_retry_on_codes_2_and_127_stops_only_those(int exitCode, bool retries)
    {
        Assert.Equal(retries, Policy(BackoffStrategy.Exponential, dontRetryOn: [2, 127]).ShouldRetry(exitCode));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(137, true)]
    [InlineData(143, true)]
    [InlineData(127, false)]
    public void Retry_on_codes_1_137_143_retries_only_those(int exitCode, bool retries)
    {
        Assert.Equal(retries, Policy(BackoffStrategy.Exponential, retryOn: [1, 137, 143]).ShouldRetry(exitCode));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void With_both_lists_dont_retry_wins_over_retry_on(int exitCode, bool retries)
    {
        Assert.Equal(retries, Policy(BackoffStrategy.Exponential, retryOn: [1, 2, 3], dontRetryOn: [2]).ShouldRetry(exitCode));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(127, false)]
    [InlineData(137, true)]
    [InlineData(143, true)]
    [InlineData(255, false)]
    public void With_disjoint_lists_only_listed_retry_codes_retry(int exitCode, bool retries)
    {
        Assert.Equal(retries, Policy(BackoffStrategy.Exponential, retryOn: [1, 137, 143], dontRetryOn: [2, 127]).ShouldRetry(exitCode));
    }
}
