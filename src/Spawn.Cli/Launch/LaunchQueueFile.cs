using Spawn.Aws.Launch;
using Spawn.Core.Model;
using Spawn.Core.Parsing;
using Spawn.Hosting;

namespace Spawn.Cli.Launch;

/// <summary>
/// The queue as <c>spawn launch</c> sends it: validated exactly like <c>spawn queue validate</c>, with the queue_id it
/// runs under and its bucket written into the copy, and that copy validated again.
/// </summary>
internal static class LaunchQueueFile
{
    /// <summary>
    /// The copy to upload, the queue it defines, and where the original file has its jobs' cpus and gpus (errors about
    /// them name the user's file, not the copy); null after printing why not (exit 2).
    /// </summary>
    /// <param name="parallelFlag"><c>--parallel</c>, already checked: written into the copy as max_parallel.</param>
    public static (QueueDefinition Queue, byte[] Bytes, FieldPositions Positions)? Prepare(
        string path, string? bucketFlag, string? parallelFlag, TimeProvider clock, TextWriter stderr)
    {
        if (QueueFileLoading.ReadProblem(path, out var original) is { } problem)
        {
            stderr.WriteLine($"{path}: error: {problem}");
            return null;
        }

        var parsed = QueueFileParser.Parse(original, path, clock);
        if (parsed.Queue is not { } queue)
        {
            QueueFileLoading.PrintErrors(path, parsed, stderr);
            return null;
        }

        var bucket = bucketFlag ?? queue.ResultS3Bucket;
        if (bucket is null)
        {
            stderr.WriteLine($"{path}: error: the queue names no result_s3_bucket and no --bucket was given: on an instance, S3 is the only way back for its state, logs and results (run `spawn setup` for a bucket)");
            return null;
        }

        if (KeyProblem(queue.ResultPrefix) is { } keyProblem)
        {
            stderr.WriteLine($"{path}: error: result_s3_prefix \"{queue.ResultPrefix}\" {keyProblem}");
            return null;
        }

        var copy = QueueCopy.With(original, queue.QueueId, bucket, parallelFlag);
        var reparsed = QueueFileParser.Parse(copy, path, clock);
        if (reparsed.Queue is not { } sent || sent.QueueId != queue.QueueId)
        {
            // Cannot happen unless QueueCopy is wrong; say so rather than launch something unchecked.
            stderr.WriteLine($"{path}: error: the copy prepared for the instance does not validate; please report this");
            QueueFileLoading.PrintErrors(path, reparsed, stderr);
            return null;
        }

        return (sent, copy, parsed.Positions);
    }

    /// <summary>The instance's bootstrap signs S3 requests in bash without escaping: keys keep to unreserved characters.</summary>
    private static string? KeyProblem(string prefix) =>
        prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '/')
            ? null
            : "may hold only letters, digits and - _ . ~ / for spawn launch";
}
