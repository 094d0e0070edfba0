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
}
