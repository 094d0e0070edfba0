namespace Spawn.Core.Reporting;

/// <summary>
/// The longest path through the dependency graph, each job weighing its span (first start to last end, retries and
/// their backoffs included): the chain that would still take this long with unlimited parallelism.
/// </summary>
public static class CriticalPath
{
    /// <param name="runOrder">Every job id, each after its dependencies (<see cref="Planning.ExecutionPlan.Order"/>).</param>
    public static (IReadOnlyList<string> Path, TimeSpan Length) Of(IReadOnlyList<ReportRow> rows, IReadOnlyList<string> runOrder)
    {
        var index = new Dictionary<string, int>(rows.Count, StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            index[rows[i].JobId] = i;
        }

        var finish = new TimeSpan[rows.Count];
        var previous = new int[rows.Count];
        var best = -1;
        foreach (var i in runOrder.Select(id => index[id]))
        {
            previous[i] = -1;
            var start = TimeSpan.Zero;
            foreach (var dependency in rows[i].DependsOn)
            {
                if (finish[index[dependency]] > start)
                {
                    (start, previous[i]) = (finish[index[dependency]], index[dependency]);
                }
            }

            finish[i] = start + rows[i].Span;
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
}
