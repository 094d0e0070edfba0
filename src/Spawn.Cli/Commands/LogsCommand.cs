using System.CommandLine;
using Spawn.Core.State;

namespace Spawn.Cli.Commands;

/// <summary>
/// <c>spawn queue logs QUEUE_ID|STATE_FILE JOB_ID [--stderr] [--follow] [--bucket B] [--prefix P] [--region R]</c>:
/// prints a job's log (every attempt's output, in order), or follows it until the job has finished for good. For a
/// queue that ran elsewhere, the log is read from the result store in S3 (there once the job has finished).
/// </summary>
internal static class LogsCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static Command Create(TimeProvider clock)
    {
        var target = new Argument<string>("queue") { Description = "A queue id, an instance id (i-…) it was launched on, or a state file" };
        var jobId = new Argument<string>("job") { Description = "The job id" };
        var stderr = new Option<bool>("--stderr") { Description = "Show standard error instead of standard output" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new output until the job ends" };
        var logDir = new Option<string?>("--log-dir") { Description = "Where the logs are, if not where the run put them" };
        var s3 = new S3LocationOptions();
        var command = new Command("logs", "Print or follow a job's log") { target, jobId, stderr, follow, logDir };
        s3.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var locator = new QueueStateLocator(clock);
            var flags = s3.Read(result);
            var found = await locator.FindAsync(result.GetValue(target)!, flags, cancellationToken).ConfigureAwait(false);
            if (found.State is not { } state)
            {
                await Console.Error.WriteLineAsync($"error: {found.Problem}").ConfigureAwait(false);
                return 2;
            }

            var job = result.GetValue(jobId)!;
            if (state.Jobs.All(j => j.JobId != job))
            {
                await Console.Error.WriteLineAsync($"error: queue {state.QueueId} has no job \"{job}\" (jobs: {string.Join(", ", state.Jobs.Select(j => j.JobId))})").ConfigureAwait(false);
                return 2;
            }

            var stream = result.GetValue(stderr) ? "stderr" : "stdout";
            var directory = result.GetValue(logDir) ?? found.Record?.LogDir ?? DefaultLogDirectory(result.GetValue(target)!);
            var path = Path.Combine(directory, $"{job}-{stream}.log");
            if (!File.Exists(path) && found.FromS3 && result.GetValue(logDir) is null)
            {
                return await PrintFromS3Async(S3QueueLocation.Resolve(state.QueueId, found.Flags ?? flags, found.Record), state, job, stream, cancellationToken).ConfigureAwait(false);
            }

            if (!result.GetValue(follow) && !File.Exists(path))
            {
                await Console.Error.WriteLineAsync($"no log yet at {path} (job {job} is {state.Job(job).Status.ToString().ToLowerInvariant()})").ConfigureAwait(false);
                return 0;
            }

            try
            {
                await CopyAsync(path, result.GetValue(follow) ? () => StillGoing(locator, result.GetValue(target)!, job, cancellationToken) : null, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            return 0;
        });
        return command;
    }

    private static async Task<int> PrintFromS3Async(S3QueueLocation where, QueueState state, string job, string stream, CancellationToken cancellationToken)
    {
        try
        {
            if (await S3QueueLog.TryCopyAsync(where, job, stream, Console.OpenStandardOutput(), cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }

            await Console.Error.WriteLineAsync($"no log in {where.Url}/jobs/{job}/ yet (job {job} is {state.Job(job).Status.ToString().ToLowerInvariant()}; logs go up when a job finishes)").ConfigureAwait(false);
            return 0;
        }
        catch (Spawn.Aws.S3ReadException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>Copies the log to stdout; when <paramref name="stillGoing"/> is given, keeps polling for more until it says no.</summary>
    private static async Task CopyAsync(string path, Func<Task<bool>>? stillGoing, CancellationToken cancellationToken)
    {
        var stdout = Console.OpenStandardOutput();
        long offset = 0;
        var buffer = new byte[64 * 1024];
        while (true)
        {
            if (File.Exists(path))
            {
                await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                file.Seek(offset, SeekOrigin.Begin);
                int read;
                while ((read = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await stdout.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    offset += read;
                }

                await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            if (stillGoing is null || !await stillGoing().ConfigureAwait(false))
            {
                return;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> StillGoing(QueueStateLocator locator, string target, string jobId, CancellationToken cancellationToken)
    {
        var state = (await locator.FindAsync(target, S3LocationFlags.None, cancellationToken).ConfigureAwait(false)).State;
        var job = state?.Job(jobId);
        return state is { Status: QueueStatus.Running or QueueStatus.Pending }
            && job is { Status: JobStatus.Pending or JobStatus.Running } or { Status: JobStatus.Failed, RetryAt: not null };
    }

    /// <summary>The agent keeps its state in /var/lib/spored and logs in /var/log/spored/jobs; local runs keep logs beside the state.</summary>
    private static string DefaultLogDirectory(string stateFile) =>
        Path.GetFullPath(stateFile) == "/var/lib/spored/queue-state.json"
            ? "/var/log/spored/jobs"
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(stateFile)) ?? ".", "logs");
}
