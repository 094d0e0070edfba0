using Spawn.Core.State;

namespace Spawn.Cli.Listing;

/// <summary>
/// What a launched queue's agent mirrored to <c>{prefix}/queue-state.json</c>: the state, nothing yet (both null),
/// or why it could not be read (<see cref="Problem"/>). <see cref="Read"/> is false when S3 was not asked at all.
/// </summary>
internal sealed record MirroredState(QueueState? State, string? Problem, bool Read = true)
{
    public static readonly MirroredState Nothing = new(null, null);

    public static readonly MirroredState NotRead = new(null, null, Read: false);

    /// <summary>The state could not be learnt: not asked, or the read failed.</summary>
    public bool IsUnknown => !Read || Problem is not null;
}
