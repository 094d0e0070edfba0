using CsCheck;
using static Spawn.Tests.Fuzzing.FuzzValues;

namespace Spawn.Tests.Fuzzing;

/// <summary>
/// Structure-aware queue files: the guide's objects with known and unknown field names, values of every JSON type in
/// every field, odd strings, numbers and durations, duplicate keys, dependency graphs with cycles and self-references.
/// One file in three is tame (see <see cref="Shape"/>), so that valid files, and what is checked of them, are
/// reached often as well.
/// </summary>
public static class QueueFileGen
{
    // Few ids, so that depends_on names real jobs, the job itself, a missing job, or closes a cycle.
    private static readonly string[] JobIds = ["a", "b", "c", "d", "e"];

    /// <summary>Go durations at and past every edge the parser has: overflow, sign, units, fractions, below 1ms.</summary>
    public static readonly Gen<string> Duration = Gen.Frequency(
        (3, Gen.OneOf(
            "1e309s", "-0s", "-0", "+0", "0", "0s", "9999999999h", "2562047h", "2562048h", "9223372036s", "9223372036.854775807s",
            "9223372036854775807ns", "9223372036854775808ns", "18446744073709551616ns", "1ns", "999999ns", "1us", "1µs", "1μs",
            "1ms", "1h30m", "1.5h", ".5s", "5.s", ".s", ".", "1d", "-1s", "+1m", "1", "", " 1s", "1s ", "1S", "1e3s", "0x10s",
            "00000000000000000000000000001s", "1.0000000000000000000000000000001s", "1m-1s", "1h1h1h", "1h0.5m0.25s")),
        (2, Gen.Select(Gen.OneOf("", "-", "+"), Gen.ULong, Gen.OneOf("", ".5", ".000001", ".99999999999999999999"),
            Gen.OneOf("ns", "us", "µs", "ms", "s", "m", "h", "", "d"), (sign, n, fraction, unit) => $"{sign}{n}{fraction}{unit}")),
        (4, Ordinary));

    private static Gen<string> Ordinary => Gen.Select(Gen.Int[1, 600], Gen.OneOf("ms", "s", "m", "h"), (n, unit) => $"{n}{unit}");

    /// <summary>Whole queue files, laid out with or without comments, trailing commas, line breaks and a byte-order mark.</summary>
    public static readonly Gen<byte[]> File =
        from queue in Gen.Frequency((1, new Shape(tame: true).Queue), (2, new Shape(tame: false).Queue))
        from layout in Gen.Select(Gen.Bool, Gen.Bool, Gen.Bool, (comments, commas, indented) => new FuzzLayout(comments, commas, indented))
        from bom in Gen.Int[0, 19]
        let text = layout.Write(queue)
        select bom == 0 ? [0xEF, 0xBB, 0xBF, .. text] : text;

    /// <summary>
    /// The queue's objects. Tame: valid values, unique job ids, and dependencies on earlier jobs, but for one dependency
    /// in eight on any id (itself, a later job: a cycle, or none).
    /// </summary>
    private sealed class Shape(bool tame) : JsonShape(tame)
    {
        protected override Gen<string> UnknownName { get; } = Gen.Frequency(
            (4, Gen.OneOf("retry_count", "cmd", "timeout_s", "dependencies", "Job_Id", "job_id ", "jobs", "queue_id", "max_attempts", "gpu", "parallelism")),
            (1, OddString));

        public Gen<FuzzJson> Queue => Object(
            ("queue_id", 2, Text(["q1", "queue-2026"], ["-bad", "a/b", ""])),
            ("queue_name", 1, Text(["name"], [" "])),
            ("jobs", 30, Gen.Frequency((1, Gen.Const(FuzzJson.Arr())), (20, Gen.Int[1, JobIds.Length + 1].SelectMany(Jobs)))),
            ("global_timeout", 1, Duration),
            ("on_failure", 1, Text(["stop", "continue"], ["stpo", "Stop"])),
            ("result_s3_bucket", 1, Text(["bucket"], ["s3://bucket", "a/b"])),
            ("result_s3_prefix", 1, Text(["p/q", "a//b"], ["../up", "a/./b"])),
            ("kill_grace", 1, Duration),
            ("max_parallel", 1, MaxParallel),
            ("$schema", 1, Text(["../schema/queue.schema.json"], [])));

        private Gen<FuzzJson> Duration => (Tame ? Ordinary : QueueFileGen.Duration).Select(FuzzJson.Str);

        private Gen<FuzzJson> Jobs(int count) => All(Enumerable.Range(0, count).Select(Job)).Select(jobs => FuzzJson.Arr([.. jobs]));

        private Gen<FuzzJson> Job(int index)
        {
            // Tame ids are unique (one more job than ids: the last one repeats an id) and depend on earlier jobs.
            var id = Tame ? Gen.Const(FuzzJson.Str(JobIds[index % JobIds.Length])) : Text(JobIds, []);
            var earlier = Tame && index > 0 ? Gen.OneOf(JobIds[..Math.Min(index, JobIds.Length)]) : Gen.OneOf(JobIds);
            var dependency = Gen.Frequency((7, earlier), (1, Gen.OneOf([.. JobIds, "zz"]))).Select(FuzzJson.Str);
            return Object(
                ("job_id", 20, id),
                ("command", 20, Text(["true", "echo hi", "exit 3"], [" "])),
                ("timeout", 20, Duration),
                ("depends_on", 2, Value(dependency).Array[0, index == 0 && Tame ? 0 : 3].Select(d => FuzzJson.Arr(Tame ? [.. d.Distinct()] : d))),
                ("env", 1, Env),
                ("retry", 1, Retry),
                ("result_paths", 1, Text(["/tmp/out.txt", "*.log", "**/*.csv", "out/../x"], [""]).Array[0, 3].Select(FuzzJson.Arr)),
                ("kill_grace", 1, Duration),
                ("cpus", 1, Slots(minimum: 1)),
                ("gpus", 1, Slots(minimum: 0)));
        }

        /// <summary>A number of jobs at once, or "auto"; wild, also zero, negatives, fractions, and near misses of "auto".</summary>
        private Gen<FuzzJson> MaxParallel => Tame
            ? Gen.Frequency((3, Gen.Int[1, 8].Select(Int)), (1, Gen.Const(FuzzJson.Str("auto"))))
            : Gen.Frequency((4, Gen.Int[-1, 8].Select(Int)), (2, Text(["auto"], ["Auto", "atuo", "4", ""])), (1, Number));

        /// <summary>A job's cpus or gpus: tame, at least <paramref name="minimum"/>; wild, also below it and any number.</summary>
        private Gen<FuzzJson> Slots(int minimum) => Tame
            ? Gen.Int[minimum, 8].Select(Int)
            : Gen.Frequency((6, Gen.Int[-1, 8].Select(Int)), (1, Number));

        private Gen<FuzzJson> Env =>
            Gen.Select(Tame ? Gen.OneOf("A", "B_2", "_x") : Name(["A", "JOB_ID", "QUEUE_ID", "1X", "a-b", ""]), Value(Text(["v", "", "x=y"], [])))
                .Array[0, 3].Select(FuzzJson.Obj).Where(env => !Tame || Distinct(env));

        private Gen<FuzzJson> Retry => Object(
            ("max_attempts", 10, Tame ? Gen.Int[1, 5].Select(Int) : Gen.Frequency((6, Gen.Int[0, 5].Select(Int)), (1, Number))),
            ("backoff", 1, Text(["exponential", "fixed", "exponential-jitter"], ["linear", "Fixed", "exponentail"])),
            ("base_delay", 1, Duration),
            ("max_delay", 1, Duration),
            ("jitter", 1, Tame ? Gen.Int[0, 10].Select(n => Raw($"0.{n}")) : Number),
            ("retry_on_codes", 1, Codes),
            ("dont_retry_on_codes", 1, Codes));

        private Gen<FuzzJson> Codes => (Tame ? Gen.Int[1, 255] : Gen.Int[-1, 300]).Select(Int).Array[0, 3].Select(FuzzJson.Arr);

        private static bool Distinct(FuzzJson env) => env is FuzzObject obj && obj.Members.DistinctBy(m => m.Name).Count() == obj.Members.Count;
    }
}
