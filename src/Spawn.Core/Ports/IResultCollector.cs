using Spawn.Core.Model;

namespace Spawn.Core.Ports;

/// <summary>Copies a finished job's logs (always) and result_paths (only when it completed) to the result store.</summary>
public interface IResultCollector
{
    Task<ResultCollection> CollectAsync(JobDefinition job, bool completed, string stdoutPath, string stderrPath, CancellationToken cancellationToken);
}

/// <summary>
/// <paramref name="Uploaded"/> is false when anything failed, logs included; <paramref name="Problem"/> says what (also
/// for patterns that matched nothing). The state's <c>results_uploaded</c> is true only for a completed job.
/// </summary>
public sealed record ResultCollection(bool Uploaded, string? Problem);
