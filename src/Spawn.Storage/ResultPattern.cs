using System.Text.RegularExpressions;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;

namespace Spawn.Storage;

/// <summary>A file a result pattern matched, and its key below the job's result folder.</summary>
internal sealed record ResultMatch(string File, string Key);

/// <summary>
/// One <c>result_paths</c> entry, split into its fixed leading directory (the segments before the first one with a
/// wildcard) and the wildcard rest, so that each match keeps its path below that directory: <c>/logs/**/*.log</c>
/// matching <c>/logs/x/y.log</c> gives <c>x/y.log</c>; a plain file keeps its base name; a plain directory keeps its
/// name and everything below it. Wildcards: <c>*</c> and <c>?</c> within a segment, <c>**</c> across segments.
/// </summary>
internal static class ResultPattern
{
    private static readonly char[] Wildcards = ['*', '?'];

    public static IReadOnlyList<ResultMatch> Expand(string pattern)
    {
        var segments = pattern.Split('/');
        var firstWild = Array.FindIndex(segments, s => s.IndexOfAny(Wildcards) >= 0);
        if (firstWild < 0)
        {
            if (File.Exists(pattern))
            {
                return [new ResultMatch(pattern, Path.GetFileName(pattern))];
            }

            var directory = pattern.TrimEnd('/');
            return Directory.Exists(directory)
                ? Match(directory, ["**", "*"], under: Path.GetFileName(directory))
                : [];
        }

        var root = string.Join('/', segments[..firstWild]);
        var rest = segments[firstWild..];
        return Match(root.Length == 0 ? "/" : root, rest[^1] == "**" ? [.. rest, "*"] : rest, under: null);
    }

    private static List<ResultMatch> Match(string root, string[] wildSegments, string? under)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        // The globbing library knows * and **; a ? is widened to * for the walk and checked exactly afterwards.
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(string.Join('/', wildSegments).Replace('?', '*'));
        var exact = new Regex(ToRegex(wildSegments), RegexOptions.CultureInvariant);
        return matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(root))).Files
            .Where(f => exact.IsMatch(f.Path))
            .Select(f => new ResultMatch(Path.Combine(root, f.Path), under is null ? f.Path : $"{under}/{f.Path}"))
            .OrderBy(m => m.Key, StringComparer.Ordinal)
            .ToList();
    }

    private static string ToRegex(string[] wildSegments)
    {
        var parts = wildSegments.Select(segment => segment == "**"
            ? "(?:[^/]+/)*"
            : Regex.Escape(segment).Replace(@"\*", "[^/]*").Replace(@"\?", "[^/]") + "/");
        return "^" + string.Concat(parts).TrimEnd('/') + "$";
    }
}
