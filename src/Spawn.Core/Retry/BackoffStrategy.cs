namespace Spawn.Core.Retry;

public enum BackoffStrategy
{
    /// <summary>base·2^(n-1) after failed attempt n (base 1 s by default), capped by max_delay.</summary>
    Exponential,

    /// <summary>The same wait every time: base_delay, or 5 s.</summary>
    Fixed,

    /// <summary>Exponential with jitter (0.3 unless the file sets one).</summary>
    ExponentialJitter,
}
