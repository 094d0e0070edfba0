namespace Spawn.Core.Model;

/// <summary>What the queue does when a job fails for good (the file's <c>on_failure</c>).</summary>
public enum FailurePolicy
{
    /// <summary>Every job that has not run becomes skipped; the queue fails.</summary>
    Stop,

    /// <summary>Transitive dependents of the failed job become skipped; every other job still runs.</summary>
    Continue,
}
