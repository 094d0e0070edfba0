using Spawn.Core.Retry;

namespace Spawn.Core.Model;

/// <summary>One job of a queue file, validated.</summary>
public sealed record JobDefinition(
    string JobId,
    string Command,
    TimeSpan Timeout,
    IReadOnlyList<string> DependsOn,
    IReadOnlyDictionary<string, string> Env,
    RetryPolicy Retry,
    IReadOnlyList<string> ResultPaths,
    TimeSpan? KillGrace);
