using Spawn.Core.Validation;

namespace Spawn.Core.Parsing;

/// <summary>
/// Suggests the field a user probably meant: known aliases from other tools and older versions first
/// (<c>retry_count</c> → <c>retry</c>), then the closest name by edit distance.
/// </summary>
public static class DidYouMean
{
    // Names people reach for, per object. Checked before edit distance because they are not typos.
    private static readonly Dictionary<string, string> QueueAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["id"] = "queue_id", ["name"] = "queue_name", ["timeout"] = "global_timeout", ["steps"] = "jobs",
        ["tasks"] = "jobs", ["on_error"] = "on_failure", ["failure_mode"] = "on_failure", ["s3_bucket"] = "result_s3_bucket",
        ["bucket"] = "result_s3_bucket", ["s3_prefix"] = "result_s3_prefix", ["prefix"] = "result_s3_prefix",
        ["parallel"] = "max_parallel", ["parallelism"] = "max_parallel", ["concurrency"] = "max_parallel",
        ["max_concurrency"] = "max_parallel", ["max_jobs"] = "max_parallel", ["workers"] = "max_parallel",
        ["max_workers"] = "max_parallel", ["max_parallel_jobs"] = "max_parallel",
    };

    private static readonly Dictionary<string, string> JobAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["id"] = "job_id", ["name"] = "job_id", ["cmd"] = "command", ["run"] = "command", ["script"] = "command",
        ["depend_on"] = "depends_on", ["dependencies"] = "depends_on", ["depends"] = "depends_on", ["deps"] = "depends_on",
        ["needs"] = "depends_on", ["after"] = "depends_on", ["retry_count"] = "retry", ["retries"] = "retry",
        ["max_retries"] = "retry", ["max_attempts"] = "retry", ["environment"] = "env", ["results"] = "result_paths",
        ["result_path"] = "result_paths", ["outputs"] = "result_paths", ["artifacts"] = "result_paths",
        ["cpu"] = "cpus", ["cores"] = "cpus", ["vcpus"] = "cpus", ["num_cpus"] = "cpus", ["cpu_count"] = "cpus",
        ["threads"] = "cpus", ["gpu"] = "gpus", ["num_gpus"] = "gpus", ["gpu_count"] = "gpus", ["n_gpus"] = "gpus",
    };

    private static readonly Dictionary<string, string> RetryAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["attempts"] = "max_attempts", ["count"] = "max_attempts", ["max_retries"] = "max_attempts",
        ["retries"] = "max_attempts", ["strategy"] = "backoff", ["delay"] = "base_delay", ["initial_delay"] = "base_delay",
        ["retry_on"] = "retry_on_codes", ["dont_retry_on"] = "dont_retry_on_codes", ["no_retry_on_codes"] = "dont_retry_on_codes",
    };

    public static string? ForQueueField(string name) => Suggest(name, QueueFields.Queue, QueueAliases);

    public static string? ForJobField(string name) => Suggest(name, QueueFields.Job, JobAliases);

    public static string? ForRetryField(string name) => Suggest(name, QueueFields.Retry, RetryAliases);

    /// <summary>The closest candidate within a small edit distance, or null.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        // Longer than any valid id or field name: nothing to suggest. And the distance table grows with the product of
        // the lengths: two 50,000-character job ids asked for a table of 10 GB.
        if (name.Length > IdentifierRules.MaxIdLength)
        {
            return null;
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        // Short names are a letter or two from everything: only suggest what is mostly the same.
        var limit = name.Length <= 3 ? 1 : Math.Max(2, name.Length / 3);
        foreach (var candidate in candidates)
        {
            if (Math.Abs(candidate.Length - name.Length) > limit)
            {
                continue;
            }

            var distance = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance <= limit && distance < name.Length && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static string? Suggest(string name, IReadOnlyList<string> fields, Dictionary<string, string> aliases) =>
        aliases.TryGetValue(name, out var alias) ? alias : Closest(name, fields);

    // Optimal string alignment distance: Levenshtein plus adjacent transpositions ("jbo_id").
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
