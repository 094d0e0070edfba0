using Spawn.Core.Parsing;

namespace Spawn.Core.Validation;

/// <summary>One <c>depends_on</c> entry, where it was written.</summary>
public sealed record DependencyReference(string JobId, int Offset, JsonPath Path);

/// <summary>
/// What the graph checks need to know about a job, kept even when other fields of the job are invalid so that
/// one pass finds every problem. <paramref name="JobId"/> is null when the job has no usable id.
/// </summary>
public sealed record JobDraft(int Index, string? JobId, int JobIdOffset, IReadOnlyList<DependencyReference> DependsOn)
{
    public JsonPath JobIdPath => JsonPath.ForJob(Index).Child("job_id");
}
