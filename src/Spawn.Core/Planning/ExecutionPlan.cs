using Spawn.Core.Model;

namespace Spawn.Core.Planning;

/// <summary>
/// The order jobs run in: topological, and among jobs whose dependencies are all done, the earliest in the file
/// first. Deterministic; O((V + E) log V), with flat arrays rather than a list per job.
/// </summary>
public static class ExecutionPlan
{
    /// <summary>The job ids in run order.</summary>
    /// <exception cref="ArgumentException">The queue has a cycle or an unknown dependency (the parser rejects both).</exception>
    public static IReadOnlyList<string> Order(QueueDefinition queue)
    {
        var indices = OrderIndices(queue);
        var order = new string[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            order[i] = queue.Jobs[indices[i]].JobId;
        }

        return order;
    }

    /// <summary>The same order as positions in <see cref="QueueDefinition.Jobs"/>.</summary>
    public static int[] OrderIndices(QueueDefinition queue)
    {
        var jobs = queue.Jobs;
        var indexOf = new Dictionary<string, int>(jobs.Count, StringComparer.Ordinal);
        for (var i = 0; i < jobs.Count; i++)
        {
            indexOf.TryAdd(jobs[i].JobId, i);
        }

        // Every edge once, as (dependency, dependent); then dependents of job t are dependents[start[t] .. start[t + 1]).
        var edgeCount = 0;
        for (var i = 0; i < jobs.Count; i++)
        {
            edgeCount += jobs[i].DependsOn.Count;
        }

        var targets = new int[edgeCount];
        var unmet = new int[jobs.Count];
        var start = new int[jobs.Count + 1];
        for (int i = 0, e = 0; i < jobs.Count; i++)
        {
            var dependsOn = jobs[i].DependsOn;
            for (var k = 0; k < dependsOn.Count; k++, e++)
            {
                targets[e] = indexOf.TryGetValue(dependsOn[k], out var target)
                    ? target
                    : throw new ArgumentException($"job \"{jobs[i].JobId}\" depends on unknown job \"{dependsOn[k]}\"", nameof(queue));
                start[target + 1]++;
            }

            unmet[i] = dependsOn.Count;
        }

        for (var t = 0; t < jobs.Count; t++)
        {
            start[t + 1] += start[t];
        }

        var dependents = new int[edgeCount];
        var fill = start[..^1];
        for (int i = 0, e = 0; i < jobs.Count; i++)
        {
            for (var k = 0; k < jobs[i].DependsOn.Count; k++, e++)
            {
                dependents[fill[targets[e]]++] = i;
            }
        }

        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < jobs.Count; i++)
        {
            if (unmet[i] == 0)
            {
                ready.Enqueue(i, i);
            }
        }

        var order = new int[jobs.Count];
        var count = 0;
        while (ready.TryDequeue(out var next, out _))
        {
            order[count++] = next;
            for (var d = start[next]; d < start[next + 1]; d++)
            {
                if (--unmet[dependents[d]] == 0)
                {
                    ready.Enqueue(dependents[d], dependents[d]);
                }
            }
        }

        return count == jobs.Count
            ? order
            : throw new ArgumentException("the queue's dependencies form a cycle, so it has no execution order", nameof(queue));
    }
}
