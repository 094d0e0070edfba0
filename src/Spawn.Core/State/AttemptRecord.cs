namespace Spawn.Core.State;

/// <summary>One ended attempt of a job that is no longer its current one (a failure that was retried, an interruption).</summary>
public sealed record AttemptRecord(int Attempt, DateTimeOffset StartedAt, DateTimeOffset EndedAt, int? ExitCode, AttemptOutcome Outcome);
