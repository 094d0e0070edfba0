using Spawn.Aws;
using Spawn.Core.Model;
using Spawn.Core.Running;
using Spawn.Core.State;
using Spawn.Storage;

namespace Spawn.Hosting;

/// <summary>
/// A queue resumed on a new instance (<c>spawn queue resume</c>, or a replacement instance of a persistent spot request;
/// <c>spored run-queue --resume-from-s3</c>): the machine has no state of its own, so the agent starts from the state
/// the old one stored in S3, if there is one of this run (else it starts afresh). First it puts completed jobs'
/// result files back where those jobs wrote them (a later job often reads them from local disk), then it writes the
/// state with every unfinished job to run (<see cref="QueueReopening"/>). The state comes last: an agent that dies
/// during the restore finds no state and restores again.
/// </summary>
internal sealed class S3Resumption(string bucket, string workingDirectory, TimeProvider clock, TextWriter log)
{
    /// <summary>Null when the state is written, or there is none of this run to take (a first boot); else why the queue cannot resume here (one line, exit 2).</summary>
    /// <param name="since">A stored state whose run started before this is from an earlier run of the same queue id.</param>
    /// <param name="newChance">Failed and skipped jobs run again (<see cref="QueueReopening.ForNewMachine"/>).</param>
    public async Task<string?> SeedAsync(QueueDefinition queue, string stateFile, DateTimeOffset since, bool newChance, CancellationToken cancellationToken)
    {
        using var s3 = S3ClientFactory.Create(region: null);
        QueueState? stored;
        try
        {
            stored = await new S3StateReader(s3, clock).ReadAsync(bucket, queue.ResultPrefix, cancellationToken).ConfigureAwait(false);
        }
        catch (S3ReadException e)
        {
            return $"--resume-from-s3: {e.Message}";
        }

        if (stored is null || stored.StartedAt is null || stored.StartedAt < since)
        {
            if (newChance)
            {
                return $"--resume-from-s3: no state of a run started since {QueueStateJson.FormatTime(since)} at {S3Keys.Url(bucket, S3Keys.Join(queue.ResultPrefix, S3Keys.StateKey))} (nothing was run)";
            }

            return null; // the first boot of this launch: the queue starts afresh
        }

        try
        {
            SavedStateCheck.EnsureBelongsTo(stored, queue, S3Keys.Url(bucket, S3Keys.Join(queue.ResultPrefix, S3Keys.StateKey)));
        }
        catch (Spawn.Core.Ports.StateStoreException e)
        {
            return $"--resume-from-s3: {e.Message}";
        }

        var downloader = new S3ResultDownloader(s3, new S3Retry(clock, log));
        var objects = await downloader.ListAsync(bucket, queue.ResultPrefix, cancellationToken).ConfigureAwait(false);
        var restored = 0;
        foreach (var job in stored.Jobs.Where(j => j.Status == JobStatus.Completed))
        {
            if (!job.ResultsUploaded)
            {
                // The old machine went before the job's results had all gone up: what is missing cannot be restored,
                // and the job, which completed, does not run again. Said, so that a failing later job can be explained.
                await log.WriteLineAsync(
                    $"{QueueStateJson.FormatTime(clock.GetUtcNow())} warning: completed job {job.JobId} did not finish storing its results before its machine went; "
                    + "those that did reach S3 are restored, the others are not").ConfigureAwait(false);
            }

            var definition = queue.Jobs.First(j => j.JobId == job.JobId);
            foreach (var item in objects.Where(o => o.JobId == job.JobId))
            {
                var key = item.RelativePath[(job.JobId.Length + 1)..];
                if (key is "stdout.log" or "stderr.log" || Origin(definition, key) is not { } target)
                {
                    continue;
                }

                try
                {
                    await new S3Retry(clock, log).RunAsync($"restore of {S3Keys.Url(bucket, item.Key)} to {target}",
                        token => downloader.FetchToAsync(bucket, item.Key, target, null, token), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is S3TransferException or IOException or UnauthorizedAccessException)
                {
                    return $"--resume-from-s3: could not restore a result of completed job {job.JobId} (nothing was run; a later job may need it): {e.Message}";
                }

                restored++;
            }
        }

        await new DurableStateStore(stateFile).SaveAsync(QueueReopening.ForNewMachine(stored, newChance), cancellationToken).ConfigureAwait(false);
        var completed = stored.Jobs.Count(j => j.Status == JobStatus.Completed);
        await log.WriteLineAsync(
            $"{QueueStateJson.FormatTime(clock.GetUtcNow())} resuming queue {queue.QueueId} from {S3Keys.Url(bucket, S3Keys.Join(queue.ResultPrefix, S3Keys.StateKey))}: "
            + $"{completed} of {stored.Jobs.Count} jobs completed, {restored} result files restored to their paths").ConfigureAwait(false);
        return null;
    }

    /// <summary>The path the first of the job's patterns that can have collected <paramref name="key"/> gives it.</summary>
    private string? Origin(JobDefinition job, string key) =>
        job.ResultPaths.Select(pattern => ResultOrigin.PathFor(pattern, workingDirectory, key)).FirstOrDefault(path => path is not null);
}
