using Spawn.Core.Model;
using Spawn.Core.Ports;
using Spawn.Core.Running;
using Spawn.Core.State;
using Spawn.Storage;

namespace Spawn.Hosting;

/// <summary>
/// For <c>--fresh</c>: an attempt the previous agent left running may still live (its launcher outlives the agent).
/// Starting over beside it would run the same job twice at once, in the same working directory and logs.
/// </summary>
internal static class LiveAttempts
{
    /// <summary>"job (attempt N, pid P)" for the first job of the saved state whose attempt still runs, or null.</summary>
    public static async Task<(string JobId, int Attempt, int Pid)?> FindAsync(
        QueueDefinition queue, string stateFile, RunnerSettings settings, IJobExecutor executor, CancellationToken cancellationToken)
    {
        QueueState? saved;
        try
        {
            saved = await new DurableStateStore(stateFile).LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StateStoreException)
        {
            // An unreadable state records no pid to look for: --fresh is how such a state is set aside.
            return null;
        }

        foreach (var job in saved?.Jobs ?? [])
        {
            if (job.Status != JobStatus.Running || queue.Jobs.FirstOrDefault(j => j.JobId == job.JobId) is not { } definition)
            {
                continue;
            }

            // Found as a resume would find it (pid and start time, or the launcher's records), so the same attempt that
            // a resume would adopt is the one that stops a fresh start.
            var launch = new JobLaunch(
                queue.QueueId, job.JobId, job.Attempt, definition.Command, definition.Env, settings.WorkingDirectory,
                settings.StdoutLog(job.JobId), settings.StderrLog(job.JobId), settings.ExitStatusFile(job.JobId, job.Attempt));
            var found = await executor.AdoptAsync(launch, job.Pid ?? 0, job.PidStartTime ?? 0, cancellationToken).ConfigureAwait(false);
            if (found is AdoptionResult.StillRunning still)
            {
                await using (still.Job.ConfigureAwait(false))
                {
                    return (job.JobId, job.Attempt, still.Job.Pid);
                }
            }
        }

        return null;
    }
}
