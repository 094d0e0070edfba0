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
    TimeSpan? KillGrace)
{
    /// <summary>
    /// CPU slots the job holds while it runs (<c>cpus</c>); null when it declares none, so it counts only toward
    /// the queue's <c>max_parallel</c>.
    /// </summary>
    public int? Cpus { get; init; }

    /// <summary>
    /// GPUs the job holds while it runs (<c>gpus</c>), its own devices in <c>CUDA_VISIBLE_DEVICES</c>. 0 is a job that
    /// says it uses none: it gets no GPU slot and sees no device, so it cannot take one a GPU job was given.
    /// Null when it declares nothing: then its environment is left as it is.
    /// </summary>
    public int? Gpus { get; init; }
}
