using Spawn.Aws;

namespace Spawn.Cli.Commands;

/// <summary>The last lines of <c>spawn queue results</c>, and its exit code: 1 when anything failed or nothing was there.</summary>
internal static class ResultsSummary
{
    public static async Task<int> PrintAsync(DownloadReport report, string source, string outputDirectory, string? jobId)
    {
        if (report.Downloaded.Count == 0 && report.Failures.Count == 0)
        {
            var what = jobId is null ? "no results" : $"no results for job {jobId}";
            await Console.Error.WriteLineAsync($"error: {what} under {source}/ (check the queue id, --bucket/--prefix and --region)").ConfigureAwait(false);
            return 1;
        }

        await Console.Out.WriteLineAsync($"Downloaded {report.Downloaded.Count} file(s), {Size(report.Bytes)}, from {source} to {outputDirectory}").ConfigureAwait(false);
        if (report.Failures.Count == 0)
        {
            return 0;
        }

        await Console.Error.WriteLineAsync($"error: {report.Failures.Count} file(s) failed:").ConfigureAwait(false);
        foreach (var failure in report.Failures)
        {
            await Console.Error.WriteLineAsync($"  {failure.RelativePath}: {failure.Reason}").ConfigureAwait(false);
        }

        return 1;
    }

    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
