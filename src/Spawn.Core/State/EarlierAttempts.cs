namespace Spawn.Core.State;

/// <summary>
/// A job's ended attempts before its current one, bounded: the first <see cref="KeepFirst"/> and the last
/// <see cref="KeepLast"/> are kept and those in between only counted (<see cref="Dropped"/>), so that a job retried
/// thousands of times keeps a record that fits its slot in the state file. Immutable, compared by value.
/// </summary>
public sealed class EarlierAttempts : IEquatable<EarlierAttempts>
{
    public const int KeepFirst = 1;
    public const int KeepLast = 4;

    private readonly AttemptRecord[] _kept;

    public EarlierAttempts(IReadOnlyList<AttemptRecord> kept, int dropped)
    {
        _kept = [.. kept];
        Dropped = dropped;
    }

    /// <summary>The kept attempts, oldest first; the dropped ones would sit after the first <see cref="KeepFirst"/>.</summary>
    public IReadOnlyList<AttemptRecord> Kept => _kept;

    /// <summary>Attempts that ended between the first kept and the last kept, no longer recorded.</summary>
    public int Dropped { get; }

    /// <summary><paramref name="history"/> (null: none yet) with <paramref name="ended"/> after it, the oldest of the last ones dropped if full.</summary>
    public static EarlierAttempts With(EarlierAttempts? history, AttemptRecord ended)
    {
        var kept = history?._kept ?? [];
        var dropped = history?.Dropped ?? 0;
        if (kept.Length < KeepFirst + KeepLast)
        {
            return new EarlierAttempts([.. kept, ended], dropped);
        }

        return new EarlierAttempts([.. kept[..KeepFirst], .. kept[(KeepFirst + 1)..], ended], dropped + 1);
    }

    /// <summary>
    /// <paramref name="job"/>'s history with its current attempt added as ended at <paramref name="endedAt"/>: how it
    /// ended is <paramref name="outcome"/>, or else what its record says. Unchanged when the job has no current attempt.
    /// </summary>
    public static EarlierAttempts? WithCurrent(JobState job, DateTimeOffset endedAt, AttemptOutcome? outcome = null) =>
        job.StartedAt is { } started && (outcome ?? AttemptOutcomes.Current(job)) is { } how
            ? With(job.EarlierAttempts, new AttemptRecord(job.Attempt, started, endedAt, job.ExitCode, how))
            : job.EarlierAttempts;

    public bool Equals(EarlierAttempts? other) =>
        other is not null && Dropped == other.Dropped && _kept.AsSpan().SequenceEqual(other._kept);

    public override bool Equals(object? obj) => Equals(obj as EarlierAttempts);

    public override int GetHashCode() => HashCode.Combine(Dropped, _kept.Length, _kept.Length > 0 ? _kept[^1] : null);
}
