namespace Spawn.Storage;

/// <summary>A file a result pattern matched, and its key below the job's result folder.</summary>
internal sealed record ResultMatch(string File, string Key);

/// <summary>What one pattern gave: its matches, and problems that fail the upload or are only worth a note.</summary>
internal sealed record ResultExpansion(IReadOnlyList<ResultMatch> Matches, IReadOnlyList<string> Failures, IReadOnlyList<string> Notes);

/// <summary>
/// One <c>result_paths</c> entry, split into its fixed leading directory (the segments before the first one with a
/// wildcard) and the wildcard rest, so that each match keeps its path below that directory: <c>/logs/**/*.log</c>
/// matching <c>/logs/x/y.log</c> gives <c>x/y.log</c>; a plain file keeps its base name; a plain directory keeps its
/// name and everything below it. Wildcards: <c>*</c> and <c>?</c> within a segment, <c>**</c> across segments.
/// A relative pattern is relative to the job's working directory, with or without a leading <c>./</c>. The fixed
/// part is normalised (<c>out/..</c> is the working directory itself), so a key is only ever built from names
/// below it and cannot climb out of the job's folder.
/// </summary>
internal static class ResultPattern
{
    private static readonly char[] Wildcards = ['*', '?'];

    public static ResultExpansion Expand(string pattern, string workingDirectory, CancellationToken cancellationToken)
    {
        var full = Path.IsPathRooted(pattern) ? pattern : Path.Combine(workingDirectory, pattern);
        var segments = full.Split('/');
        var firstWild = Array.FindIndex(segments, s => s.IndexOfAny(Wildcards) >= 0);
        if (firstWild < 0)
        {
            var path = Trim(Path.GetFullPath(full));
            if (File.Exists(path))
            {
                return new ResultExpansion([new ResultMatch(path, Path.GetFileName(path))], [], []);
            }

            return Directory.Exists(path)
                ? new ResultWalk(["**", "*"], Path.GetFileName(path), cancellationToken).Run(path)
                : new ResultExpansion([], [], []);
        }

        var rest = segments[firstWild..].Where(s => s.Length > 0 && s != ".").ToArray();
        if (rest.Contains(".."))
        {
            return new ResultExpansion([], ["\"..\" after a wildcard is not supported: write the directory before the first wildcard"], []);
        }

        var root = Trim(Path.GetFullPath(string.Join('/', segments[..firstWild]) is { Length: > 0 } fixedPart ? fixedPart : "/"));
        return new ResultWalk(rest[^1] == "**" ? [.. rest, "*"] : rest, under: null, cancellationToken).Run(root);
    }

    private static string Trim(string path) => path.Length > 1 ? path.TrimEnd('/') : path;
}
