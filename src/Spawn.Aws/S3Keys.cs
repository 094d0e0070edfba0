namespace Spawn.Aws;

/// <summary>Joins a queue's prefix and a key relative to it, the way the directory store joins paths.</summary>
public static class S3Keys
{
    public const string StateKey = "queue-state.json";

    /// <summary>Put by <c>spawn queue cancel</c> (JSON, <see cref="CancelRequestJson"/>); the agent watches for it.</summary>
    public const string CancelKey = "control/cancel";

    public static string Join(string prefix, string key)
    {
        var trimmed = prefix.Trim('/');
        return trimmed.Length == 0 ? key.TrimStart('/') : $"{trimmed}/{key.TrimStart('/')}";
    }

    public static string Url(string bucket, string key) => $"s3://{bucket}/{key}";
}
