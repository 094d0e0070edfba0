namespace Spawn.Aws;

/// <summary>One object of a queue's results and where it goes locally, relative to the output directory.</summary>
public sealed record ResultObject(string Key, string RelativePath, long Size)
{
    /// <summary>
    /// Maps <c>{prefix}/jobs/{job}/{path}</c> to <c>{job}/{path}</c> and <c>{prefix}/queue-state.json</c> to itself, the
    /// guide's download layout; anything else under the prefix is not a result. Null also for keys that would escape
    /// the output directory (<c>..</c> segments), which S3 allows but a file system must not follow.
    /// </summary>
    public static ResultObject? From(string key, long size, string prefix)
    {
        var start = prefix.Trim('/') is { Length: > 0 } p ? p + "/" : "";
        if (!key.StartsWith(start, StringComparison.Ordinal))
        {
            return null;
        }

        var relative = key[start.Length..];
        if (relative == S3Keys.StateKey)
        {
            return new ResultObject(key, relative, size);
        }

        if (!relative.StartsWith("jobs/", StringComparison.Ordinal))
        {
            return null;
        }

        var local = relative["jobs/".Length..];
        var segments = local.Split('/');
        return segments.Length >= 2 && segments.All(s => s is not ("" or "." or ".."))
            ? new ResultObject(key, local, size)
            : null;
    }

    public string JobId => RelativePath == S3Keys.StateKey ? "" : RelativePath[..RelativePath.IndexOf('/', StringComparison.Ordinal)];
}
