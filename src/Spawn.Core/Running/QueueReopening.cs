using Spawn.Core.State;

namespace Spawn.Core.Running;

/// <summary>
/// The state a queue resumes from on a new machine, made from the state the old one stored in S3: completed jobs stay
/// completed and never run again, and the attempt the old machine was running is run again without being counted.
/// </summary>
public static class QueueReopening
{
    /// <param name="newChance">
    /// <c>spawn queue resume</c>: jobs that failed for good or were skipped run again, with all of max_attempts (the
    /// usual reason to resume a failed queue is a command fixed with <c>--queue FILE</c>). Without it (a replacement
    /// instance of a persistent spot request) the queue goes on exactly where it was: a failed queue stays failed.
    /// </param>
    public static QueueState ForNewMachine(QueueState stored, bool newChance)
    {
        if (stored.Status == QueueStatus.Completed || (!newChance && stored.Status == QueueStatus.Failed))
        {
            return stored; // the agent says it ended, stores it again, and powers off
        }

        var jobs = stored.Jobs.Select(job => job switch
        {
            { Status: JobStatus.Completed } => job,
            // A retry that was waiting keeps waiting (its backoff, its attempts).
            { Status: JobStatus.Failed, RetryAt: not null } => job,
            // Its machine is gone, and the attempt with it: not counted, as for a machine that died (docs/resume.md).
            { Status: JobStatus.Running } => job with
            {
                Status = JobStatus.Pending,
                Attempt = Math.Max(0, job.Attempt - 1),
                Pid = null,
                PidStartTime = null,
                GpuDevices = null,
                ErrorMessage = $"attempt {job.Attempt} was lost with {MachineName(stored)}; it runs again",
            },
            { Status: JobStatus.Failed or JobStatus.Skipped } when !newChance => job,
            { Status: JobStatus.Pending } when !newChance => job,
            // Failed for good, skipped, or cut short and pending: a new chance.
            _ => job with
            {
                Status = JobStatus.Pending,
                Attempt = 0,
                StartedAt = null,
                CompletedAt = null,
                ExitCode = null,
                Pid = null,
                PidStartTime = null,
                GpuDevices = null,
                ResultsUploaded = false,
                ErrorMessage = null,
                RetryAt = null,
            },
        }).ToList();
        return stored with { Status = QueueStatus.Running, ErrorMessage = null, Jobs = jobs };
    }

    private static string MachineName(QueueState stored) => stored.Instance is { } instance ? $"instance {instance.InstanceId}" : "the previous machine";
}
