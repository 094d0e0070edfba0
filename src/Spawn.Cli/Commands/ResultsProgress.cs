using Spawn.Aws;
using Spectre.Console;

namespace Spawn.Cli.Commands;

/// <summary>
/// Shows a download's progress: Spectre progress bars for large files when the terminal is interactive, otherwise
/// plain lines (one when a large file starts and at each quarter), which logs and CI capture well.
/// </summary>
internal static class ResultsProgress
{
    /// <summary>Files smaller than this finish too fast for a bar to mean anything.</summary>
    public const long LargeFile = 8L * 1024 * 1024;

    public static async Task<DownloadReport> RunAsync(Func<IDownloadObserver, Task<DownloadReport>> download)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            return await download(new PlainLines(Console.Out)).ConfigureAwait(false);
        }

        DownloadReport? report = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async context => report = await download(new Bars(context)).ConfigureAwait(false))
            .ConfigureAwait(false);
        return report!;
    }

    private sealed class Bars(ProgressContext context) : IDownloadObserver
    {
        private readonly Dictionary<string, ProgressTask> tasks = [];

        public void Planned(int files, long totalBytes) { }

        public void Started(string relativePath, long size)
        {
            if (size < LargeFile)
            {
                return;
            }

            lock (tasks)
            {
                tasks[relativePath] = context.AddTask(Markup.Escape(relativePath), maxValue: size);
            }
        }

        public void Progressed(string relativePath, long bytesSoFar)
        {
            if (Find(relativePath) is { } task)
            {
                task.Value = bytesSoFar;
            }
        }

        public void Finished(string relativePath, string? error)
        {
            if (Find(relativePath) is { } task)
            {
                if (error is null)
                {
                    task.Value = task.MaxValue;
                }

                task.StopTask();
            }
        }

        private ProgressTask? Find(string relativePath)
        {
            lock (tasks)
            {
                return tasks.GetValueOrDefault(relativePath);
            }
        }
    }

    private sealed class PlainLines(TextWriter output) : IDownloadObserver
    {
        private readonly Dictionary<string, (long Size, int Quarter)> large = [];

        public void Planned(int files, long totalBytes) => Write($"Downloading {files} file(s), {ResultsSummary.Size(totalBytes)}");

        public void Started(string relativePath, long size)
        {
            if (size >= LargeFile)
            {
                lock (large)
                {
                    large[relativePath] = (size, 0);
                }

                Write($"  {relativePath}: {ResultsSummary.Size(size)}…");
            }
        }

        public void Progressed(string relativePath, long bytesSoFar)
        {
            int quarter;
            lock (large)
            {
                if (!large.TryGetValue(relativePath, out var file) || (quarter = (int)(bytesSoFar * 4 / Math.Max(1, file.Size))) <= file.Quarter || quarter >= 4)
                {
                    return;
                }

                large[relativePath] = file with { Quarter = quarter };
            }

            Write($"  {relativePath}: {quarter * 25}%");
        }

        public void Finished(string relativePath, string? error)
        {
            bool wasLarge;
            lock (large)
            {
                wasLarge = large.Remove(relativePath);
            }

            if (wasLarge && error is null)
            {
                Write($"  {relativePath}: done");
            }
        }

        private void Write(string line)
        {
            lock (output)
            {
                output.WriteLine(line);
            }
        }
    }
}
