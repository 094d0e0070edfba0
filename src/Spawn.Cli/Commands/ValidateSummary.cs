using System.Globalization;
using Spawn.Core.Model;
using Spawn.Core.Parsing;

namespace Spawn.Cli.Commands;

/// <summary>The human output of a valid <c>spawn queue validate</c>: what the queue is, the defaults used, the order.</summary>
internal static class ValidateSummary
{
    // Wider ids than this do not push the "(after …)" column further right.
    private const int MaxIdColumn = 32;

    public static void Write(TextWriter stdout, string path, QueueParseResult parsed, int[] order)
    {
        var queue = parsed.Queue!;
        stdout.WriteLine($"{path}: valid");
        stdout.WriteLine();
        stdout.WriteLine($"  queue id        {queue.QueueId}{(parsed.QueueIdGenerated ? "  (generated: the file has no queue_id)" : "")}");
        stdout.WriteLine($"  name            {queue.QueueName}");
        stdout.WriteLine($"  jobs            {queue.Jobs.Count}");
        stdout.WriteLine($"  global timeout  {(queue.GlobalTimeout is { } limit ? GoDuration.Format(limit) : "none")}");
        stdout.WriteLine($"  on failure      {(queue.OnFailure == FailurePolicy.Stop ? "stop" : "continue")}");
        stdout.WriteLine($"  results         {Destination(queue)}");
        if (queue.MaxParallel != ParallelLimit.One)
        {
            // Said only when the file opts in, so the guide's queues read as they always did.
            stdout.WriteLine($"  at once         {(queue.MaxParallel.IsAuto ? "as many jobs as the machine has CPUs" : $"up to {queue.MaxParallel} jobs")} (max_parallel)");
        }
        if (parsed.Defaults.Count > 0)
        {
            stdout.WriteLine();
            stdout.WriteLine("Defaults used (the guide lists these fields as required):");
            foreach (var sentence in parsed.Defaults)
            {
                stdout.WriteLine($"  - {sentence}");
            }
        }

        stdout.WriteLine();
        stdout.WriteLine("Execution order:");
        var numberWidth = order.Length.ToString(CultureInfo.InvariantCulture).Length;
        var idWidth = Math.Min(MaxIdColumn, queue.Jobs.Max(j => j.JobId.Length));
        for (var i = 0; i < order.Length; i++)
        {
            var job = queue.Jobs[order[i]];
            var number = (i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(numberWidth);
            stdout.WriteLine(job.DependsOn.Count == 0
                ? $"  {number}. {job.JobId}"
                : $"  {number}. {job.JobId.PadRight(idWidth)}  (after {string.Join(", ", job.DependsOn)})");
        }
    }

    private static string Destination(QueueDefinition queue) =>
        queue.ResultS3Bucket is { } bucket
            ? $"s3://{bucket}/{queue.ResultPrefix}/"
            : $"a local directory (--results-dir, or the run's default), under {queue.ResultPrefix}/";
}
