using Spawn.Core.Model;
using Spawn.Core.Ports;

namespace Spawn.Storage;

/// <summary>
/// Puts a finished job's logs (always) and result_paths (only when it completed) under <c>jobs/{job_id}/</c> in the
/// result store. Problems never fail the job: a pattern that matched nothing is only noted in the problem; a file
/// that could not be read or stored leaves <c>results_uploaded</c> false and the problem says which and why.
/// A log that does not exist is skipped (the job never wrote to it, or never started), not uploaded empty.
/// The job's own logs win over a result that would land on <c>stdout.log</c> or <c>stderr.log</c>: that result is
/// skipped and the problem says so. Relative patterns are relative to <paramref name="workingDirectory"/>, where
/// the jobs run; a key that would leave the job's folder is refused, whatever the pattern was.
/// </summary>
public sealed class ResultCollector(IResultStore store, string workingDirectory) : IResultCollector
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
                ResultExpansion expansion;
                try
                {
                    expansion = ResultPattern.Expand(pattern, workingDirectory, cancellationToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
                {
                    // ArgumentException: a pattern that cannot be expanded, which validation lets by; never a crash.
                    failed = true;
                    problems.Add($"{what}: {e.Message}");
                    continue;
                }

                failed |= expansion.Failures.Count > 0;
                problems.AddRange(expansion.Failures.Concat(expansion.Notes).Select(p => $"{what}: {p}"));
                if (expansion.Matches.Count == 0 && expansion.Failures.Count == 0)
                {
                    problems.Add($"{what} matched no file");
                }

                foreach (var match in expansion.Matches)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!StaysInFolder(match.Key))
                    {
                        failed = true;
                        problems.Add($"{what}: {match.File} not uploaded, its key \"{match.Key}\" would leave {folder}");
                        continue;
                    }

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

    /// <summary>The last guard of containment: a key below the job's folder has only plain names between its slashes.</summary>
    private static bool StaysInFolder(string key) =>
        key.Length > 0 && !key.StartsWith('/') && key.Split('/').All(segment => segment is not ("" or "." or ".."));

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
