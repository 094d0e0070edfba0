namespace Spawn.Core.Model;

/// <summary>A validated queue file. Only produced by the parser once every rule has passed.</summary>
public sealed record QueueDefinition(
    string QueueId,
    string QueueName,
    IReadOnlyList<JobDefinition> Jobs,
    TimeSpan? GlobalTimeout,
    FailurePolicy OnFailure,
    string? ResultS3Bucket,
    string? ResultS3Prefix,
    TimeSpan? KillGrace)
{
    /// <summary>Grace between SIGTERM and SIGKILL when neither the job nor the queue sets one.</summary>
    public static readonly TimeSpan DefaultKillGrace = TimeSpan.FromSeconds(30);

    /// <summary>The key prefix results go under: the file's prefix, else <c>queues/{queue_id}</c>.</summary>
    public string ResultPrefix => string.IsNullOrEmpty(ResultS3Prefix) ? $"queues/{QueueId}" : ResultS3Prefix.Trim('/');

    /// <summary>How many jobs may run at once (<c>max_parallel</c>); one unless the file opts in.</summary>
    public ParallelLimit MaxParallel { get; init; } = ParallelLimit.One;

    public TimeSpan KillGraceFor(JobDefinition job) => job.KillGrace ?? KillGrace ?? DefaultKillGrace;
}
