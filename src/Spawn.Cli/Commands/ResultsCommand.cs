using System.CommandLine;
using Spawn.Aws;
using Spawn.Core.Validation;

namespace Spawn.Cli.Commands;

/// <summary>
/// <c>spawn queue results QUEUE_ID --output DIR [--bucket B] [--prefix P] [--region R] [--job JOB_ID]</c>: fetches a
/// queue's logs, results and final state to <c>DIR/{job_id}/…</c> and <c>DIR/queue-state.json</c>.
/// </summary>
internal static class ResultsCommand
{
    public static Command Create(TimeProvider clock)
    {
        var queueId = new Argument<string>("queue") { Description = "The queue id, or the instance id (i-…) it was launched on" };
        var output = new Option<string>("--output", "-o") { Description = "Directory to download into", Required = true };
        var s3 = new S3LocationOptions();
        var job = new Option<string?>("--job") { Description = "Only this job's files (and queue-state.json)" };
        var command = new Command("results", "Download a queue's results, logs and final state") { queueId, output, job };
        s3.AddTo(command);
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            var id = result.GetValue(queueId)!;
            var jobId = result.GetValue(job);
            foreach (var (what, value) in new[] { ("queue id", id), ("--job", jobId) })
            {
                if (value is not null && !IdentifierRules.IsValidId(value))
                {
                    await Console.Error.WriteLineAsync($"error: {what} \"{value}\" is not valid: {IdentifierRules.IdRuleText}").ConfigureAwait(false);
                    return 2;
                }
            }

            var outputDirectory = Path.GetFullPath(result.GetValue(output)!);
            var flags = s3.Read(result);
            if (InstanceTarget.Matches(id))
            {
                var resolved = await InstanceTarget.ResolveAsync(id, flags.Region, cancellationToken).ConfigureAwait(false);
                if (resolved.Instance is not { Bucket: { } bucket, Prefix: { } prefix } instance)
                {
                    await Console.Error.WriteLineAsync($"error: {resolved.Problem}").ConfigureAwait(false);
                    return 2;
                }

                return await DownloadAsync(new S3QueueLocation(bucket, prefix, instance.Region), outputDirectory, jobId, clock, cancellationToken).ConfigureAwait(false);
            }

            var record = LocalQueueRecord.TryRead(id);
            if (flags.Bucket is null && record is { ResultS3Bucket: null, ResultsDir: { } localResults })
            {
                return await ResultsLocalCopy.RunAsync(record, localResults, outputDirectory, jobId, cancellationToken).ConfigureAwait(false);
            }

            var where = S3QueueLocation.Resolve(id, flags, record);
            return await DownloadAsync(where, outputDirectory, jobId, clock, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> DownloadAsync(S3QueueLocation where, string outputDirectory, string? jobId, TimeProvider clock, CancellationToken cancellationToken)
    {
        try
        {
            using var client = S3ClientFactory.Create(where.Region);
            var downloader = new S3ResultDownloader(client, new S3Retry(clock, Console.Error));
            var report = await ResultsProgress.RunAsync(
                observer => downloader.DownloadAsync(where.Bucket, where.Prefix, outputDirectory, jobId, observer, cancellationToken)).ConfigureAwait(false);
            return await ResultsSummary.PrintAsync(report, where.Url, outputDirectory, jobId).ConfigureAwait(false);
        }
        catch (S3ReadException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonClientException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"error: cannot reach {where.Url}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
