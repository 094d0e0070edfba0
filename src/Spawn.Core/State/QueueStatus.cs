namespace Spawn.Core.State;

public enum QueueStatus
{
    Pending,
    Running,
    Completed,
    Failed,

    /// <summary>
    /// Stopped by a spot interruption notice (the machine is about to go): the running attempt was cut short without
    /// using up one of its attempts, nothing else started. Not an ending: the queue resumes where it stopped, on the
    /// same instance once EC2 starts it again, or on a new one (<c>spawn queue resume</c>). <c>error_message</c> says
    /// why and what comes next.
    /// </summary>
    Interrupted,
}
