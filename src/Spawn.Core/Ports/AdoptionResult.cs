namespace Spawn.Core.Ports;

/// <summary>What a restarted agent finds of an attempt that an earlier agent started.</summary>
public abstract record AdoptionResult
{
    private AdoptionResult() { }

    /// <summary>The same process (pid and start time match) still runs; wait for it.</summary>
    public sealed record StillRunning(IRunningJob Job) : AdoptionResult;

    /// <summary>It finished while no agent watched, and left its exit code.</summary>
    public sealed record FinishedWhileAway(int ExitCode) : AdoptionResult;

    /// <summary>Neither: the attempt died with the agent or the machine.</summary>
    public sealed record Lost : AdoptionResult;

    /// <summary>
    /// The agent died after it recorded the start but before any process was spawned for it (nothing says one was):
    /// the attempt never ran, so it is run again without counting as cut short.
    /// </summary>
    public sealed record NeverStarted : AdoptionResult;
}
