namespace Spawn.Core.Running;

/// <summary>How the supervisor saw one attempt end.</summary>
internal enum AttemptEnding
{
    /// <summary>The command exited by itself.</summary>
    Exited,

    /// <summary>The job's own timeout ran out and its group was stopped.</summary>
    TimedOut,

    /// <summary>The queue's global_timeout ran out and the group was stopped.</summary>
    GlobalTimeout,

    /// <summary>The run was interrupted (SIGINT/SIGTERM to the agent) and the group was stopped.</summary>
    Interrupted,
}
