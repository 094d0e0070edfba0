using Spawn.Core.Model;
using Spawn.Core.Ports;

namespace Spawn.Storage;

/// <summary>
/// Puts a finished job's logs (always) and result_paths (only when it completed) under <c>jobs/{job_id}/</c> in the
/// result store. Problems never fail the job: a pattern that matched nothing is only noted; a file that could not be
/// read or stored leaves <c>results_uploaded</c> false with the reason. The job's own logs win over a result file
/// that happens to be called stdout.log or stderr.log.
/// </summary>
public sealed class ResultCollector(IResultStore store) : IResultCollector
{
    public async Task<ResultCollection> CollectAsync(JobDefinition job, bool completed, string stdoutPath, string stderrPath, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var failed = false;
        var folder = $"jobs/{job.JobId}/";

        if (completed)
        {
            for (var i = 0; i < job.ResultPaths.Count; i++)
            {
                var pattern = job.ResultPaths[i];
                IReadOnlyList<(string File, string Relative)> matches;
                try
                {
                    matches = ResultPattern.Expand(pattern);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    failed = true;
                    problems.Add($"result_paths[{i}] \"{pattern}\": {e.Message}");
                    continue;
                }

                if (matches.Count == 0)
                {
                    problems.Add($"result_paths[{i}] \"{pattern}\" matched no file");
                }

                foreach (var (file, relative) in matches.Where(m => m.Relative is not ("stdout.log" or "stderr.log")))
                {
                    failed |= !await TryPut(folder + relative, file, problems, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        foreach (var (name, path) in new[] { ("stdout.log", stdoutPath), ("stderr.log", stderrPath) })
        {
            if (File.Exists(path))
            {
                failed |= !await TryPut(folder + name, path, problems, cancellationToken).ConfigureAwait(false);
            }
        }

        return new ResultCollection(!failed, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    private async Task<bool> TryPut(string key, string file, List<string> problems, CancellationToken cancellationToken)
    {
        try
        {
            await store.PutFileAsync(key, file, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Disk, permission and S3 failures alike: the queue goes on, the state says what did not go up.
            problems.Add($"{file}: {e.Message}");
            return false;
        }
    }
}
