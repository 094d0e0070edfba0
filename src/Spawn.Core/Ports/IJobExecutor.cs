namespace Spawn.Core.Ports;

public interface IJobExecutor
{
    /// <summary>Starts one attempt as <c>/bin/bash -c COMMAND</c> in its own session and process group.</summary>
    Task<IRunningJob> StartAsync(JobLaunch launch, CancellationToken cancellationToken);

    /// <summary>Looks for an attempt started by an earlier agent, identified by pid and start time.</summary>
    Task<AdoptionResult> AdoptAsync(JobLaunch launch, int pid, ulong startTime, CancellationToken cancellationToken);
}
