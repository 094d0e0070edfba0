using Spawn.Core.Parsing;

namespace Spawn.Core.Validation;

/// <summary>
/// The checks across jobs: duplicate ids, dependencies on unknown jobs or on the job itself, repeated entries,
/// and cycles. Runs on drafts, so a job with an unrelated bad field still takes part.
/// </summary>
public static class DependencyRules
{
    // Beyond this many jobs, a "did you mean" scan per unknown dependency costs more than it helps.
    private const int SuggestionLimit = 10_000;

    public static void Check(ParseContext context, IReadOnlyList<JobDraft> drafts)
    {
        var indexOf = new Dictionary<string, int>(drafts.Count, StringComparer.Ordinal);
        foreach (var draft in drafts)
        {
            if (draft.JobId is { } id && !indexOf.TryAdd(id, draft.Index))
            {
                context.Error(draft.JobIdOffset, draft.JobIdPath, $"duplicate job_id \"{id}\": jobs[{indexOf[id]}] already uses it");
            }
        }

        var edges = new Edge[drafts.Count][];
        foreach (var draft in drafts)
        {
            edges[draft.Index] = Edges(context, draft, indexOf);
        }

        foreach (var cycle in CycleFinder.Find(edges))
        {
            var names = string.Join(" -> ", cycle.Jobs.Select(i => drafts[i].JobId));
            context.Error(cycle.Closing.Offset, cycle.Closing.Path, $"{cycle.Closing.Path}: circular dependency: {names} (each job depends on the next)");
        }
    }

    private static Edge[] Edges(ParseContext context, JobDraft draft, Dictionary<string, int> indexOf)
    {
        if (draft.DependsOn.Count == 0)
        {
            return [];
        }

        var edges = new List<Edge>(draft.DependsOn.Count);
        HashSet<string>? listed = draft.DependsOn.Count > ShortList ? new(StringComparer.Ordinal) : null;
        for (var k = 0; k < draft.DependsOn.Count; k++)
        {
            var reference = draft.DependsOn[k];
            if (listed is null ? ListedBefore(draft.DependsOn, k) : !listed.Add(reference.JobId))
            {
                context.Error(reference.Offset, reference.Path, $"{reference.Path}: \"{reference.JobId}\" is already listed in depends_on");
            }
            else if (reference.JobId == draft.JobId)
            {
                context.Error(reference.Offset, reference.Path, $"{reference.Path}: {Who(draft)} depends on itself");
            }
            else if (!indexOf.TryGetValue(reference.JobId, out var target))
            {
                var guess = indexOf.Count <= SuggestionLimit ? DidYouMean.Closest(reference.JobId, indexOf.Keys) : null;
                var hint = guess is null ? "" : $"; did you mean \"{guess}\"?";
                context.Error(reference.Offset, reference.Path, $"{reference.Path}: {Who(draft)} depends on \"{reference.JobId}\", which is not a job in this queue{hint}");
            }
            else
            {
                edges.Add(new Edge(target, reference));
            }
        }

        return [.. edges];
    }

    // Most dependency lists are short: for them a scan beats a hash set per job.
    private const int ShortList = 16;

    private static bool ListedBefore(IReadOnlyList<DependencyReference> list, int k)
    {
        for (var i = 0; i < k; i++)
        {
            if (list[i].JobId == list[k].JobId)
            {
                return true;
            }
        }

        return false;
    }

    private static string Who(JobDraft draft) => draft.JobId is null ? $"jobs[{draft.Index}]" : $"job \"{draft.JobId}\"";
}

/// <summary>"The job at this index depends on <paramref name="Target"/>", as written at <paramref name="Reference"/>.</summary>
public readonly record struct Edge(int Target, DependencyReference Reference);
