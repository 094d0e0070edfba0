namespace Spawn.Storage;

/// <summary>
/// Walks a directory for the files the wildcard segments of one result pattern match (<c>**</c> is any number of
/// directories). Every real directory is walked once, whatever links lead to it: a symlink loop, or many links to
/// one tree, ends with a note instead of a walk that never ends. Symlinks are followed otherwise (a linked file is
/// collected under the link's own name, see docs/s3.md). The walk answers cancellation between entries.
/// </summary>
internal sealed class ResultWalk(string[] segments, string? under, CancellationToken cancellationToken)
{
    private static readonly EnumerationOptions OneLevel = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    private readonly HashSet<FileStatus> _walked = [];
    private readonly List<ResultMatch> _matches = [];
    private readonly List<string> _failures = [];
    private readonly List<string> _notes = [];

    public ResultExpansion Run(string root)
    {
        if (FileStatus.Of(root) is not { } rootStatus || !Directory.Exists(root))
        {
            return new ResultExpansion([], [], []);
        }

        _walked.Add(rootStatus);
        var pending = new Stack<(string Directory, string Relative, int[] States)>();
        pending.Push((root, string.IsNullOrEmpty(under) ? string.Empty : under + "/", Closure([0])));
        while (pending.TryPop(out var next))
        {
            Walk(next.Directory, next.Relative, next.States, pending);
        }

        return new ResultExpansion(_matches.OrderBy(m => m.Key, StringComparer.Ordinal).ToList(), _failures, _notes);
    }

    private void Walk(string directory, string relative, int[] states, Stack<(string, string, int[])> pending)
    {
        try
        {
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", OneLevel))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var isDirectory = entry is DirectoryInfo;
                var after = Step(states, entry.Name, isDirectory);
                if (after.Length == 0)
                {
                    continue;
                }

                if (entry.Name.Contains('\uFFFD', StringComparison.Ordinal) && FileStatus.Of(entry.FullName) is null && entry.LinkTarget is null)
                {
                    // .NET decodes names as UTF-8; a name that is not cannot be opened again under the decoded name.
                    _failures.Add($"{entry.FullName}: its name is not valid UTF-8, so it was not collected (rename it)");
                    continue;
                }

                if (!isDirectory)
                {
                    if (after.Contains(segments.Length))
                    {
                        _matches.Add(new ResultMatch(entry.FullName, relative + entry.Name));
                    }

                    continue;
                }

                var deeper = after.Where(s => s < segments.Length).ToArray();
                if (deeper.Length == 0)
                {
                    continue;
                }

                if (FileStatus.Of(entry.FullName) is not { } status)
                {
                    _failures.Add($"{entry.FullName}: could not be examined");
                }
                else if (!_walked.Add(status))
                {
                    _notes.Add($"{entry.FullName} leads to a directory already walked (a symlink loop?), not walked again");
                }
                else
                {
                    pending.Push((entry.FullName, relative + entry.Name + "/", deeper));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _failures.Add($"{directory}: {e.Message}");
        }
    }

    /// <summary>The pattern positions reached after <paramref name="name"/>; <c>segments.Length</c> means "matched whole".</summary>
    private int[] Step(int[] states, string name, bool isDirectory)
    {
        var next = new List<int>();
        foreach (var s in states)
        {
            if (s >= segments.Length)
            {
                continue;
            }

            if (segments[s] == "**")
            {
                if (isDirectory)
                {
                    next.Add(s);
                }
            }
            else if (GlobSegment.Matches(segments[s], name))
            {
                next.Add(s + 1);
            }
        }

        return Closure(next);
    }

    /// <summary>A <c>**</c> may also match no directory at all: wherever one stands, the position after it is reached too.</summary>
    private int[] Closure(IEnumerable<int> states)
    {
        var all = new SortedSet<int>();
        foreach (var s in states)
        {
            var i = s;
            while (all.Add(i) && i < segments.Length && segments[i] == "**")
            {
                i++;
            }
        }

        return [.. all];
    }
}
