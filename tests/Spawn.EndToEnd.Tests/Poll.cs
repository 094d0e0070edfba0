namespace Spawn.EndToEnd.Tests;

internal static class Poll
{
    /// <summary>Waits until <paramref name="condition"/> holds, checking every 50 ms, or fails after <paramref name="limit"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan limit, string what) =>
        UntilAsync(() => Task.FromResult(Safe(condition)), limit, what);

    /// <summary>As <see cref="UntilAsync(Func{bool}, TimeSpan, string)"/>, for a check that runs a process or reads over the network.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {limit} waiting for: {what}");
            }

            await Task.Delay(50);
        }
    }

    private static bool Safe(Func<bool> condition)
    {
        try
        {
            return condition();
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
