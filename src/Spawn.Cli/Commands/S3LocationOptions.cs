using System.CommandLine;

namespace Spawn.Cli.Commands;

/// <summary>
/// <c>--bucket</c>, <c>--prefix</c> and <c>--region</c>: where a queue's results and mirrored state are in S3, for a
/// queue this machine has no record of (it ran elsewhere) or one whose record should be overridden.
/// </summary>
internal sealed class S3LocationOptions
{
    public Option<string?> Bucket { get; } = new("--bucket") { Description = "Bucket (default: the one the queue used here, else spawn-results-{region})" };

    public Option<string?> Prefix { get; } = new("--prefix") { Description = "Key prefix (default: the queue's result_s3_prefix, else queues/{queue_id})" };

    public Option<string?> Region { get; } = new("--region") { Description = "The bucket's region (default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Bucket);
        command.Options.Add(Prefix);
        command.Options.Add(Region);
    }

    public S3LocationFlags Read(ParseResult result) => new(result.GetValue(Bucket), result.GetValue(Prefix), result.GetValue(Region));
}

/// <summary>What the user gave of a queue's S3 location; unset parts come from the local record or the convention.</summary>
internal sealed record S3LocationFlags(string? Bucket, string? Prefix, string? Region)
{
    public static readonly S3LocationFlags None = new(null, null, null);
}
