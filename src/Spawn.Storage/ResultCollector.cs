using Spawn.Core.Model;
using Spawn.Core.Ports;

namespace Spawn.Storage;

/// <summary>
/// Puts a finished job's logs (always) and result_paths (only when it completed) under <c>jobs/{job_id}/</c> in the
/// result store. Problems never fail the job: a pattern that matched nothing is only noted in the problem; a file
/// that could not be read or stored leaves <c>results_uploaded</c> false and the problem says which and why.
/// A log that does not exist is skipped (the job never wrote to it, or never started), not uploaded empty.
/// The job's own logs win over a result that would land on <c>stdout.log</c> or <c>stderr.log</c>: that result is
/// skipped and the problem says so.
/// </summary>
public sealed class ResultCollector(IResultStore store) : IResultCollector
{
    private static readonly string[] LogNames = ["stdout.log", "stderr.log"];

    public async Task<ResultCollection> CollectAsync(JobDefinition job, bool completed, string stdoutPath, string stderrPath, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var refused = new StoreFailures();
        var failed = false;
        var folder = $"jobs/{job.JobId}/";

        if (completed)
        {
            for (var i = 0; i < job.ResultPaths.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var pattern = job.ResultPaths[i];
                var what = $"result_paths[{i}] \"{pattern}\"";
                IReadOnlyList<ResultMatch> matches;
                try
                {
                    matches = ResultPattern.Expand(pattern);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
                {
                    // ArgumentException: a pattern the glob library cannot take ("d/*/../f"), which validation lets by.
                    failed = true;
                    problems.Add($"{what}: {e.Message}");
                    continue;
                }

                if (matches.Count == 0)
                {
                    problems.Add($"{what} matched no file");
                }

                foreach (var match in matches)
                {
                    if (LogNames.Contains(match.Key))
                    {
                        problems.Add($"{what}: {match.File} not uploaded, it would replace the job's own {match.Key}");
                        continue;
                    }

                    failed |= !await TryPutAsync(folder + match.Key, match.File, problems, refused, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        foreach (var (name, path) in LogNames.Zip([stdoutPath, stderrPath]))
        {
            if (File.Exists(path))
            {
                failed |= !await TryPutAsync(folder + name, path, problems, refused, cancellationToken, isLog: true).ConfigureAwait(false);
            }
        }

        problems.AddRange(refused.Problems());
        return new ResultCollection(!failed, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    private async Task<bool> TryPutAsync(
        string key, string file, List<string> problems, StoreFailures refused, CancellationToken cancellationToken, bool isLog = false)
    {
        // A log linked into place is never read here; the store checks it itself should it have to copy it instead.
        if (!(isLog && store.StoresLogsQuickly) && ResultSource.ProblemWith(file) is { } unreadable)
        {
            problems.Add($"{file} could not be read: {unreadable}");
            return false;
        }

        try
        {
            await (isLog ? store.PutLogAsync(key, file, cancellationToken) : store.PutFileAsync(key, file, cancellationToken)).ConfigureAwait(false);
            return true;
        }
        catch (ResultStoreException e)
        {
            refused.Add(key, e);
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Disk, permission and S3 failures alike: the queue goes on, the state says what did not go up.
            problems.Add($"{file} could not be stored as {key}: {e.Message}");
            return false;
        }
    }
}
