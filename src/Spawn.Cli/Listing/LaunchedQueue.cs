using Spawn.Aws.Launch;

namespace Spawn.Cli.Listing;

/// <summary>
/// One queue sent to EC2, as <c>spawn queue list</c> shows it: what this machine recorded and what EC2 says of its
/// instance now. <see cref="InstanceState"/> is EC2's word, <c>unknown</c> when EC2 no longer lists the instance,
/// or null when EC2 could not be asked.
/// </summary>
internal sealed record LaunchedQueue(
    string QueueId,
    string InstanceId,
    string Region,
    string? InstanceState,
    string? Bucket,
    string? Prefix,
    DateTimeOffset? LaunchedAt)
{
    public string? ResultsUrl => Bucket is null ? null : InstanceTags.FormatResults(Bucket, Prefix ?? "");
}
