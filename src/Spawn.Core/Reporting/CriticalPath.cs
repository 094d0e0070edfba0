namespace Spawn.Core.Reporting;

/// <summary>
/// The longest path through the dependency graph, each job weighing its span (first start to last end, retries and
/// their backoffs included): the chain that would still take this long with unlimited parallelism.
/// </summary>
public static class CriticalPath
{
    public static (IReadOnlyList<string> Path, TimeSpan Length) Of(IReadOnlyList<ReportRow> rows)
    {
        var index = new Dictionary<string, int>(rows.Count, StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            index[rows[i].JobId] = i;
        }

        var finish = new TimeSpan[rows.Count];
        var previous = new int[rows.Count];
        var done = new bool[rows.Count];
        var best = -1;
        foreach (var i in TopologicalOrder(rows, index))
        {
            previous[i] = -1;
            var start = TimeSpan.Zero;
            foreach (var dependency in rows[i].DependsOn)
            {
                if (index.TryGetValue(dependency, out var d) && done[d] && finish[d] > start)
                {
                    (start, previous[i]) = (finish[d], d);
                }
            }

            finish[i] = start + rows[i].Span;
            done[i] = true;
            if (best < 0 || finish[i] > finish[best] || (finish[i] == finish[best] && i < best))
            {
                best = i;
            }
        }

        if (best < 0 || finish[best] == TimeSpan.Zero)
        {
            return ([], TimeSpan.Zero);
        }

        var path = new List<string>();
        for (var i = best; i >= 0; i = previous[i])
        {
            path.Add(rows[i].JobId);
        }

        path.Reverse();
        return (path, finish[best]);
    }

    /// <summary>Kahn's order, file order among ready jobs. A validated queue has no cycle; any left over come last.</summary>
    private static List<int> TopologicalOrder(IReadOnlyList<ReportRow> rows, Dictionary<string, int> index)
    {
        var unmet = new int[rows.Count];
        var dependents = new List<int>[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            dependents[i] = [];
        }

        for (var i = 0; i < rows.Count; i++)
        {
            foreach (var dependency in rows[i].DependsOn)
            {
                if (index.TryGetValue(dependency, out var d))
                {
                    dependents[d].Add(i);
                    unmet[i]++;
                }
            }
        }

        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (unmet[i] == 0)
            {
                ready.Enqueue(i, i);
            }
        }

        var order = new List<int>(rows.Count);
        while (ready.TryDequeue(out var i, out _))
        {
            order.Add(i);
            foreach (var next in dependents[i])
            {
                if (--unmet[next] == 0)
                {
                    ready.Enqueue(next, next);
                }
            }
        }

        return order;
    }
}
