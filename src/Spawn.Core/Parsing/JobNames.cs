using System.Globalization;

namespace Spawn.Core.Parsing;

/// <summary>
/// Puts a job's id beside its position in an error — <c>jobs[3] ("train")</c> — because a position alone sends the
/// user counting array elements in a long file. Done when errors are listed rather than when each is recorded: a
/// job's id is read after some of its errors, and only files with errors pay for it.
/// </summary>
internal static class JobNames
{
    public static string Apply(string message, int job, IReadOnlyList<string?> ids)
    {
        var named = message;
        var start = 0;
        var mentioned = false;
        while ((start = named.IndexOf("jobs[", start, StringComparison.Ordinal)) >= 0)
        {
            var close = named.IndexOf(']', start);
            if (close < 0 || !int.TryParse(named.AsSpan(start + 5, close - start - 5), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                start += 5;
                continue;
            }

            mentioned |= index == job;
            var name = Name(index, ids);
            if (name is null || named.Contains($"\"{name}\"", StringComparison.Ordinal))
            {
                start = close + 1;
                continue;
            }

            var insert = $" (\"{name}\")";
            named = named.Insert(close + 1, insert);
            start = close + 1 + insert.Length;
        }

        // A message about a job that does not say which one (a duplicate id, say): it gets the job's name first.
        return job >= 0 && !mentioned && Name(job, ids) is { } own && !named.Contains($"\"{own}\"", StringComparison.Ordinal)
            ? $"jobs[{job.ToString(CultureInfo.InvariantCulture)}] (\"{own}\"): {named}"
            : named;
    }

    private static string? Name(int index, IReadOnlyList<string?> ids) =>
        index >= 0 && index < ids.Count && !string.IsNullOrEmpty(ids[index]) ? ids[index] : null;
}
