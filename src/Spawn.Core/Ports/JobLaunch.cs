namespace Spawn.Core.Ports;

/// <summary>
/// Everything needed to start one attempt of a job. <see cref="Environment"/> holds only what is added
/// to the agent's own environment (the job's env, then JOB_ID, JOB_ATTEMPT, QUEUE_ID).
/// The child appends its output to the two log files itself and leaves its exit status in
/// <see cref="ExitStatusPath"/> so that it survives the agent.
/// </summary>
public sealed record JobLaunch(
    string QueueId,
    string JobId,
    int Attempt,
    string Command,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    string StdoutPath,
    string StderrPath,
    string ExitStatusPath);
