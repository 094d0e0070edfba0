namespace Spawn.Core.Parsing;

/// <summary>The field names a queue file may use, per object, exactly as the guide spells them.</summary>
public static class QueueFields
{
    public static readonly IReadOnlyList<string> Queue =
        ["queue_id", "queue_name", "jobs", "global_timeout", "on_failure", "result_s3_bucket", "result_s3_prefix", "kill_grace", "max_parallel"];

    /// <summary>The top level also accepts <c>$schema</c>, which editors use to find the JSON Schema; it is ignored.</summary>
    public static readonly IReadOnlyList<string> QueueAccepted = [.. Queue, "$schema"];

    public static readonly IReadOnlyList<string> Job =
        ["job_id", "command", "timeout", "depends_on", "env", "retry", "result_paths", "kill_grace", "cpus", "gpus"];

    public static readonly IReadOnlyList<string> Retry =
        ["max_attempts", "backoff", "base_delay", "max_delay", "jitter", "retry_on_codes", "dont_retry_on_codes"];

    public static readonly IReadOnlyList<string> BackoffNames = ["exponential", "fixed", "exponential-jitter"];

    /// <summary>The one word <c>max_parallel</c> accepts besides a number.</summary>
    public const string AutoParallel = "auto";

    public static readonly IReadOnlyList<string> OnFailureNames = ["stop", "continue"];
}
