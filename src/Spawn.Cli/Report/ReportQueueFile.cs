using Spawn.Core.Model;
using Spawn.Core.Running;
using Spawn.Core.State;
using Spawn.Hosting;

namespace Spawn.Cli.Report;

/// <summary>
/// The queue file a report draws its graph from: the one given, or the one <c>spawn queue run</c> ran for this queue on
/// this machine if it still holds the same jobs. The state alone has no <c>depends_on</c>.
/// </summary>
internal static class ReportQueueFile
{
    /// <returns>The queue (null: none found); <c>Problem</c> set when a given file is not a valid queue of this state, after printing why.</returns>
    public static (QueueDefinition? Queue, string? Problem) Find(QueueState state, string? given, TimeProvider clock, TextWriter stderr)
    {
        if (given is not null)
        {
            var queue = QueueFileLoading.Load(given, clock, stderr);
            if (queue is null)
            {
                return (null, "invalid");
            }

            if (!SameJobs(queue, state))
            {
                stderr.WriteLine($"{given}: error: not the queue of this state (its jobs are not the state's jobs)");
                return (null, "other queue");
            }

            return (queue, null);
        }

        if (LocalQueueRecord.TryRead(state.QueueId)?.QueueFile is { } remembered && File.Exists(remembered))
        {
            var queue = QueueFileLoading.Load(remembered, clock, TextWriter.Null);
            return (queue is not null && SameJobs(queue, state) ? queue : null, null);
        }

        return (null, null);
    }

    private static bool SameJobs(QueueDefinition queue, QueueState state) => SavedStateCheck.JobSetDifference(state, queue) is null;
}
