namespace Spawn.Core.Running;

/// <summary>
/// .NET timers take at most 2^32-2 ms (about 49.7 days); a longer <c>timeout</c>, <c>global_timeout</c> or backoff is
/// valid in a queue file, so a wait that long is made of capped waits, each followed by a look at the clock.
/// </summary>
internal static class TimerSpan
{
    public static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    public static TimeSpan Capped(TimeSpan wait) => wait > Longest ? Longest : wait;

    /// <summary>
    /// Waits until <paramref name="deadline"/> by the clock, however far off it is. Every attempt waits on this and
    /// nearly every one is cancelled when its job exits: a deadline a timer can take is one plain delay, with no async
    /// wrapper and no exception thrown on that cancellation.
    /// </summary>
    public static Task WaitUntilAsync(DateTimeOffset deadline, TimeProvider clock, CancellationToken cancellationToken)
    {
        var left = deadline - clock.GetUtcNow();
        return left <= Longest
            ? Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero, clock, cancellationToken)
            : WaitInStepsAsync(deadline, clock, cancellationToken);
    }

    private static async Task WaitInStepsAsync(DateTimeOffset deadline, TimeProvider clock, CancellationToken cancellationToken)
    {
        do
        {
            var left = deadline - clock.GetUtcNow();
            await Task.Delay(left > TimeSpan.Zero ? Capped(left) : TimeSpan.Zero, clock, cancellationToken).ConfigureAwait(false);
        }
        while (deadline > clock.GetUtcNow());
    }
}
