using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;

namespace Spawn.Storage;

/// <summary>
/// One <c>result_paths</c> entry, split into its fixed leading directory and the wildcard rest, so that each match
/// keeps its path below that directory: <c>/logs/**/*.log</c> matching <c>/logs/x/y.log</c> gives <c>x/y.log</c>;
/// a plain file keeps its base name; a plain directory keeps its name and everything below it.
/// </summary>
internal static class ResultPattern
{
    private static readonly char[] Wildcards = ['*', '?', '['];

    /// <summary>(local file, path relative to the job's result folder) for each file the pattern matches.</summary>
    public static IReadOnlyList<(string File, string Relative)> Expand(string pattern)
    {
        var segments = pattern.Split('/');
        var firstWild = Array.FindIndex(segments, s => s.IndexOfAny(Wildcards) >= 0);
        if (firstWild < 0)
        {
            if (File.Exists(pattern))
            {
                return [(pattern, Path.GetFileName(pattern))];
            }

            // A directory is collected whole, under its own name.
            return Directory.Exists(pattern)
                ? Match(pattern.TrimEnd('/'), "**/*", Path.GetFileName(pattern.TrimEnd('/')))
                : (IReadOnlyList<(string, string)>)[];
        }

        var root = string.Join('/', segments[..firstWild]);
        var rest = string.Join('/', segments[firstWild..]);
        return Match(root.Length == 0 ? "/" : root, rest, under: null);
    }

    private static IReadOnlyList<(string, string)> Match(string root, string include, string? under)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(include);
        return matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(root))).Files
            .Select(f => (Path.Combine(root, f.Path), under is null ? f.Path : $"{under}/{f.Path}"))
            .OrderBy(m => m.Item2, StringComparer.Ordinal)
            .ToList();
    }
}
