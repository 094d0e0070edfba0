namespace Spawn.Core.Ports;

public interface IJobExecutor
{
    /// <summary>Starts one attempt as <c>/bin/bash -c COMMAND</c> in a process group of its own, outside the agent's session.</summary>
    Task<IRunningJob> StartAsync(JobLaunch launch, CancellationToken cancellationToken);

    /// <summary>
    /// Looks for an attempt started by an earlier agent, identified by pid and start time. A pid of 0 means the
    /// agent died before it recorded one: the executor then finds the attempt by what the attempt itself left
    /// beside <see cref="JobLaunch.ExitStatusPath"/>.
    /// </summary>
    Task<AdoptionResult> AdoptAsync(JobLaunch launch, int pid, ulong startTime, CancellationToken cancellationToken);
}
