namespace Spawn.Core.State;

public enum QueueStatus
{
    Pending,
    Running,
    Completed,
    Failed,
}
