using System.Globalization;
using System.Text;
using CsCheck;
using Spawn.Tests.Fuzzing;
using static Spawn.Tests.Fuzzing.FuzzValues;

namespace Spawn.Storage.Tests.Fuzzing;

/// <summary>
/// Structure-aware state documents (the guide's state format, tame or wild), and journals whose lines carry a correct
/// checksum, so that what follows the checksum is read too: kinds, positions and documents of every sort.
/// </summary>
internal static class StateFileGen
{
    public static readonly Gen<byte[]> Document =
        Gen.Frequency((1, new Shape(tame: true).State), (2, new Shape(tame: false).State)).Select(FuzzLayout.Plain.Write);

    // Declared before Journal, which reads it as the class is set up.
    // KIND HASH POSITIONS DOCUMENT, with the hash of what follows it (now and then none, or a wrong one).
    private static readonly Gen<byte[]> JournalLine =
        from kind in Gen.Frequency((4, Gen.Const('D')), (2, Gen.Const('F')), (1, Gen.OneOf('G', 'x', ' ')))
        from positions in Gen.OneOf("0 ", "1,2 ", "0,0 ", "- ", " ", "", "99999999999 ", "-1 ", "a ", ",1 ", "3,17 ")
        from document in Gen.Frequency((6, Document), (1, Gen.OneOf("{}", "[]", "null", "1", "").Select(Encoding.UTF8.GetBytes)))
        from hash in Gen.Frequency((8, Gen.Const(true)), (1, Gen.Const(false)))
        let body = Encoding.ASCII.GetBytes(positions).Concat(document).ToArray()
        let checksum = hash ? Fnv1a.Of(body) : Fnv1a.Of(body) ^ 1
        select Encoding.ASCII.GetBytes($"{kind} {checksum.ToString("x16", CultureInfo.InvariantCulture)} ").Concat(body).Append((byte)'\n').ToArray();

    public static readonly Gen<byte[]> Journal =
        from generation in Gen.Frequency((8, Gen.Const("G 9f1c\n")), (1, Gen.OneOf("", "G \n", "G x", "X 1\n", "\n")))
        from lines in JournalLine.Array[0, 4]
        from end in Gen.Int[0, 4]
        let text = Encoding.UTF8.GetBytes(generation).Concat(lines.SelectMany(l => l)).ToArray()
        select end == 0 && text.Length > 0 ? text[..^1] : text; // now and then the last line is cut before its newline

    private sealed class Shape(bool tame) : JsonShape(tame)
    {
        protected override Gen<string> UnknownName { get; } = Gen.Frequency((4, Gen.OneOf("jobs", "job_id", "exitCode", "attempts")), (1, OddString));

        public Gen<FuzzJson> State => Object(
            ("queue_id", Required, Text(["q1", "queue-20260122-140530"], [""])),
            ("queue_name", 1, Text(["nightly"], [""])),
            ("status", Required, Status(["pending", "running", "completed", "failed"])),
            ("started_at", 1, Time),
            ("updated_at", 2, Time),
            ("error_message", 1, Text(["job a failed"], [])),
            ("instance_id", 1, Text(["i-0123456789abcdef0"], [])),
            ("region", 1, Text(["us-east-1"], [])),
            ("instance_type", 1, Text(["t3.medium"], [])),
            ("jobs", Required, Job.Array[0, 4].Select(FuzzJson.Arr)));

        private Gen<FuzzJson> Job => Object(
            ("job_id", Required, Text(["a", "b", "job-00001"], [""])),
            ("status", Required, Status(["pending", "running", "completed", "failed", "skipped"])),
            ("started_at", 1, Time),
            ("completed_at", 1, Time),
            ("exit_code", 1, Whole),
            ("attempt", 2, Whole),
            ("pid", 1, Whole),
            ("pid_start_time", 1, Tame ? Gen.ULong.Select(n => Raw(n.ToString(CultureInfo.InvariantCulture))) : Number),
            ("results_uploaded", 1, Tame ? Gen.OneOf("true", "false").Select(Raw) : AnyValue),
            ("error_message", 1, Text(["exit status 1"], [])),
            ("interruptions", 1, Whole),
            ("retry_at", 1, Time));

        // Enum.TryParse also takes "1", " running" and "running,completed" (which is 3: failed).
        private Gen<FuzzJson> Status(string[] words) => Text(words, ["Running", "RUNNING", " running", "running,completed", "failed, skipped", "1", "-1", "cancelled"]);

        private Gen<FuzzJson> Time => Text(
            ["2026-01-22T14:05:30Z", "2026-01-22T14:05:30.123Z"],
            ["2026-13-01T00:00:00Z", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "yesterday", "2026-01-22", "1/2/2026"]);

        private Gen<FuzzJson> Whole => Tame ? Gen.Int[0, 5].Select(Int) : Number;
    }
}
