namespace Spawn.Storage;

/// <summary>
/// Where a result file came from: the inverse of what <see cref="ResultCollector"/> does with a <c>result_paths</c>
/// entry. A key below <c>jobs/{job_id}/</c> goes back below the pattern's fixed leading directory (a plain file back
/// to its path, a plain directory's files back below it). Used to restore completed jobs' results on a new machine,
/// so that a later job finds the files an earlier one wrote to local disk.
/// </summary>
public static class ResultOrigin
{
    private static readonly char[] Wildcards = ['*', '?'];

    /// <summary>The local path <paramref name="key"/> (relative to the job's folder) was collected from by
    /// <paramref name="pattern"/>, or null when that pattern cannot have collected it.</summary>
    public static string? PathFor(string pattern, string workingDirectory, string key)
    {
        var keySegments = key.Split('/');
        if (keySegments.Any(s => s is "" or "." or ".."))
        {
            return null;
        }

        var full = Path.IsPathRooted(pattern) ? pattern : Path.Combine(workingDirectory, pattern);
        var segments = full.Split('/');
        var firstWild = Array.FindIndex(segments, s => s.IndexOfAny(Wildcards) >= 0);
        if (firstWild < 0)
        {
            // A file keeps its base name; a directory its name and everything below it.
            var path = Path.GetFullPath(full).TrimEnd('/');
            var name = Path.GetFileName(path);
            return keySegments[0] != name ? null
                : keySegments.Length == 1 ? path
                : Path.Combine(path, string.Join('/', keySegments[1..]));
        }

        var rest = segments[firstWild..].Where(s => s.Length > 0 && s != ".").ToArray();
        if (rest.Contains(".."))
        {
            return null;
        }

        var root = Path.GetFullPath(string.Join('/', segments[..firstWild]) is { Length: > 0 } fixedPart ? fixedPart : "/");
        return Matches(rest[^1] == "**" ? [.. rest, "*"] : rest, keySegments) ? Path.Combine(root, key) : null;
    }

    private static bool Matches(ReadOnlySpan<string> pattern, ReadOnlySpan<string> path)
    {
        if (pattern.IsEmpty)
        {
            return path.IsEmpty;
        }

        if (pattern[0] == "**")
        {
            for (var skip = 0; skip <= path.Length; skip++)
            {
                if (Matches(pattern[1..], path[skip..]))
                {
                    return true;
                }
            }

            return false;
        }

        return !path.IsEmpty && GlobSegment.Matches(pattern[0], path[0]) && Matches(pattern[1..], path[1..]);
    }
}
