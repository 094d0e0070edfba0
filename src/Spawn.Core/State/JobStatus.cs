namespace Spawn.Core.State;

/// <summary>The guide's job status values; written lower-case in the state file.</summary>
public enum JobStatus
{
    Pending,
    Running,
    Completed,
    Failed,
    Skipped,
}
