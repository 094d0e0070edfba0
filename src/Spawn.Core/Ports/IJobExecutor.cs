namespace Spawn.Core.Ports;

public interface IJobExecutor
{
    /// <summary>Starts one attempt as <c>/bin/bash -c COMMAND</c> in a process group of its own, outside the agent's session.</summary>
    Task<IRunningJob> StartAsync(JobLaunch launch, CancellationToken cancellationToken);

    /// <summary>
    /// Asks for <paramref name="next"/> to start the moment <paramref name="current"/> exits 0 by itself, before the
    /// agent hears of that exit, so that a chain of short jobs does not wait for the agent between two commands. It
    /// never starts once <paramref name="current"/> was signalled (<see cref="IRunningJob.TerminateAsync"/>), nor after
    /// any other ending. The request is made before this returns (cancellation only applies until then); the task
    /// completes once the executor knows what came of it: the attempt, started, or null when it was not. It never
    /// throws: whatever keeps the follower from being asked for makes it null, and the running attempt is watched on.
    /// </summary>
    Task<IRunningJob?> StartAfterAsync(IRunningJob current, JobLaunch next, CancellationToken cancellationToken);

    /// <summary>
    /// Looks for an attempt started by an earlier agent, identified by pid and start time. A pid of 0 means the
    /// agent died before it recorded one: the executor then finds the attempt by what the attempt itself left
    /// beside <see cref="JobLaunch.ExitStatusPath"/>.
    /// </summary>
    Task<AdoptionResult> AdoptAsync(JobLaunch launch, int pid, ulong startTime, CancellationToken cancellationToken);

    /// <summary>
    /// After <paramref name="previous"/>, found ended with 0 by an agent that restarted: the attempt
    /// <paramref name="next"/>, if an earlier agent had asked for it to follow <paramref name="previous"/>
    /// (<see cref="StartAfterAsync"/>) and it was started; <see cref="AdoptionResult.Lost"/> or <see cref="AdoptionResult.NeverStarted"/> when it was not.
    /// </summary>
    Task<AdoptionResult> AdoptSuccessorAsync(JobLaunch previous, JobLaunch next, CancellationToken cancellationToken);
}
