using System.Globalization;
using System.Text;
using Spawn.Core.Model;
using Spawn.Core.Validation;

namespace Spawn.Core.Parsing;

/// <summary>
/// Parses and validates a queue file's text in one pass, collecting every error with its line and column.
/// No I/O: the caller reads the file. The clock only names queues that have no <c>queue_id</c>.
/// </summary>
public static class QueueFileParser
{
    public static QueueParseResult Parse(string text, string fileName, TimeProvider clock) =>
        Parse(Encoding.UTF8.GetBytes(text), fileName, clock);

    /// <summary>
    /// The same, from the file's bytes (UTF-8, with or without a byte-order mark): saves decoding a large file to
    /// UTF-16 only to encode it back.
    /// </summary>
    public static QueueParseResult Parse(byte[] utf8, string fileName, TimeProvider clock)
    {
        if (utf8.AsSpan().StartsWith(Encoding.UTF8.Preamble))
        {
            utf8 = utf8[Encoding.UTF8.Preamble.Length..];
        }

        var lines = new LineMap(utf8);
        var context = new ParseContext();
        var defaults = new List<string>();

        if (utf8.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            context.Error(0, JsonPath.Root, $"{fileName} is empty: a queue file is a JSON object with a \"jobs\" array");
            return new QueueParseResult(null, context.Errors(lines), defaults);
        }

        var root = SourceReader.Read(utf8, lines, out var failure);
        if (root is null)
        {
            context.Error(failure!.Offset, JsonPath.Root, failure.Message);
            return new QueueParseResult(null, context.Errors(lines), defaults);
        }

        if (root is not SourceObject obj)
        {
            context.Error(root.Offset, JsonPath.Root, $"a queue file must be a JSON object with a \"jobs\" array, found {root.Kind}");
            return new QueueParseResult(null, context.Errors(lines), defaults);
        }

        var fields = context.Members(obj, JsonPath.Root, QueueFields.QueueAccepted, DidYouMean.ForQueueField);
        var (queueId, generated) = QueueId(context, fields, clock);
        var jobs = Jobs(context, obj, fields);

        var queueName = Optional(fields, "queue_name") is { } name ? context.NonEmptyString(name.Value, "queue_name") : null;
        var globalTimeout = Optional(fields, "global_timeout") is { } g ? context.Duration(g.Value, "global_timeout", allowZero: false) : null;
        var onFailure = OnFailure(context, fields);
        var bucket = Bucket(context, fields);
        var prefix = Prefix(context, fields);
        var killGrace = Optional(fields, "kill_grace") is { } k ? context.Duration(k.Value, "kill_grace", allowZero: true) : null;
        var maxParallel = MaxParallel(context, fields);

        if (generated)
        {
            defaults.Add($"queue_id not set: using generated \"{queueId}\"");
        }

        if (!fields.Has("queue_name"))
        {
            defaults.Add($"queue_name not set: using the queue id \"{queueId}\"");
        }

        if (!fields.Has("global_timeout"))
        {
            defaults.Add("global_timeout not set: no queue-wide time limit");
        }

        if (!fields.Has("on_failure"))
        {
            defaults.Add("on_failure not set: using \"stop\"");
        }

        if (!fields.Has("result_s3_bucket"))
        {
            defaults.Add("result_s3_bucket not set: results go to a local directory");
        }

        var errors = context.Errors(lines);
        if (errors.Count > 0 || jobs is null || queueId is null)
        {
            return new QueueParseResult(null, errors, defaults) { QueueIdGenerated = generated };
        }

        var queue = new QueueDefinition(queueId, queueName ?? queueId, jobs, globalTimeout, onFailure, bucket, prefix, killGrace) { MaxParallel = maxParallel };
        return new QueueParseResult(queue, errors, defaults) { QueueIdGenerated = generated, Positions = context.Positions(lines) };
    }

    private static SourceMember? Optional(ObjectFields fields, string name) => fields.Get(name);

    private static (string? Id, bool Generated) QueueId(ParseContext context, ObjectFields fields, TimeProvider clock)
    {
        if (Optional(fields, "queue_id") is not { } member)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            return ("queue-" + now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture), true);
        }

        if (context.String(member.Value, "queue_id") is not { } id)
        {
            return (null, false);
        }

        if (!IdentifierRules.IsValidId(id))
        {
            var problem = id.Length == 0 ? "queue_id must not be empty" : $"queue_id \"{id}\" is not a valid id";
            context.Error(member.Value.Offset, "queue_id", $"{problem}: use {IdentifierRules.IdRuleText} (omit it to have one generated)");
            return (null, false);
        }

        return (id, false);
    }

    private static List<JobDefinition>? Jobs(ParseContext context, SourceObject root, ObjectFields fields)
    {
        if (Optional(fields, "jobs") is not { } member)
        {
            context.Error(root.Offset, "jobs", "the queue is missing required field \"jobs\" (an array with at least one job)");
            return null;
        }

        if (context.Array(member.Value, "jobs") is not { } array)
        {
            return null;
        }

        if (array.Items.Count == 0)
        {
            context.Error(array.Offset, "jobs", "jobs must contain at least one job");
            return null;
        }

        var drafts = new List<JobDraft>(array.Items.Count);
        var jobs = new List<JobDefinition>(array.Items.Count);
        for (var i = 0; i < array.Items.Count; i++)
        {
            var (draft, job) = JobMapper.Map(context, array.Items[i], i);
            drafts.Add(draft);
            if (job is not null)
            {
                jobs.Add(job);
            }
        }

        DependencyRules.Check(context, drafts);
        return jobs.Count == array.Items.Count ? jobs : null;
    }

    private static FailurePolicy OnFailure(ParseContext context, ObjectFields fields)
    {
        if (Optional(fields, "on_failure") is not { } member || context.String(member.Value, "on_failure") is not { } value)
        {
            return FailurePolicy.Stop;
        }

        switch (value)
        {
            case "stop":
                return FailurePolicy.Stop;
            case "continue":
                return FailurePolicy.Continue;
            default:
                var guess = DidYouMean.Closest(value, QueueFields.OnFailureNames);
                var hint = guess is null ? "" : $"; did you mean \"{guess}\"?";
                context.Error(member.Value.Offset, "on_failure", $"on_failure must be \"stop\" or \"continue\", found \"{value}\"{hint}");
                return FailurePolicy.Stop;
        }
    }

    /// <summary><c>max_parallel</c>: a whole number of at least 1, or "auto" (the machine's CPU count, resolved where the queue runs).</summary>
    private static ParallelLimit MaxParallel(ParseContext context, ObjectFields fields)
    {
        const string Expected = "max_parallel must be a whole number of at least 1 or \"auto\" (the machine's CPU count)";
        if (Optional(fields, "max_parallel") is not { } member)
        {
            return ParallelLimit.One;
        }

        var node = member.Value;
        switch (node)
        {
            case SourceString { Value: QueueFields.AutoParallel }:
                return ParallelLimit.Auto;
            case SourceString { Value: var text }:
                var hint = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var written) ? $"; write the number without quotes: {written}"
                    : DidYouMean.Closest(text, [QueueFields.AutoParallel]) is { } guess ? $"; did you mean \"{guess}\"?" : "";
                context.Error(node.Offset, "max_parallel", $"{Expected}, found \"{text}\"{hint}");
                return ParallelLimit.One;
            case SourceNumber:
                if (context.Integer(node, "max_parallel") is not { } count)
                {
                    return ParallelLimit.One;
                }

                if (count < 1)
                {
                    context.Error(node.Offset, "max_parallel", $"max_parallel must be at least 1 (1 runs one job at a time), found {count}");
                    return ParallelLimit.One;
                }

                return new ParallelLimit(count);
            default:
                context.Error(node.Offset, "max_parallel", $"{Expected}, found {node.Kind}");
                return ParallelLimit.One;
        }
    }

    /// <summary>
    /// The prefix is a folder below the results root (a bucket, or --results-dir): a "." or ".." segment would make
    /// the directory store write beside or above that root, and S3 keys that no local copy can mirror.
    /// </summary>
    private static string? Prefix(ParseContext context, ObjectFields fields)
    {
        if (Optional(fields, "result_s3_prefix") is not { } member || context.String(member.Value, "result_s3_prefix") is not { } prefix)
        {
            return null;
        }

        if (prefix.Split('/').Any(segment => segment is "." or ".."))
        {
            context.Error(member.Value.Offset, "result_s3_prefix",
                $"result_s3_prefix must stay below the results root, found \"{prefix}\" (no \".\" or \"..\" segments)");
            return null;
        }

        return prefix;
    }

    private static string? Bucket(ParseContext context, ObjectFields fields)
    {
        if (Optional(fields, "result_s3_bucket") is not { } member || context.NonEmptyString(member.Value, "result_s3_bucket") is not { } bucket)
        {
            return null;
        }

        if (bucket.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) || bucket.Contains('/', StringComparison.Ordinal))
        {
            context.Error(member.Value.Offset, "result_s3_bucket",
                $"result_s3_bucket must be a bucket name such as \"spawn-results\", found \"{bucket}\" (put any path in result_s3_prefix)");
            return null;
        }

        return bucket;
    }
}
