using System.Collections.Immutable;
using System.Globalization;
using CsCheck;

namespace Spawn.Tests.Fuzzing;

/// <summary>JSON values that break parsers: odd strings, numbers no int or double holds, bytes that are not UTF-8, deep nesting.</summary>
public static class FuzzValues
{
    public static readonly Gen<string> OddString = Gen.Frequency(
        (4, Gen.OneOf(
            "", " ", "\t", "\0", "a\0b", "\ud800", "x\udc00", "\udbff\udfff", "é", "😀", "\u2028", "\uFEFF", "line\nbreak",
            "cr\rhere", "\u001b[31mred", "..", "../x", "/", "s3://bucket/x", "a/b", "-a", ".a", "9", "JOB_ID", "jobs[0]", "$schema")),
        (2, Gen.String),
        (1, Gen.Int[129, 70_000].Select(n => new string('x', n))));

    public static readonly Gen<FuzzJson> Number = Gen.Frequency(
        (3, Gen.OneOf(
            "0", "-0", "1", "-1", "3", "255", "256", "2147483647", "2147483648", "-2147483648", "-2147483649", "1e309", "-1e309",
            "1E-400", "0.5", "1.0", "3.0", "1e2", "1e-7", "-0.0", "123456789012345678901234567890", "1.7976931348623157e308")
            .Select(Raw)),
        (1, Gen.Long.Select(n => Raw(n.ToString(CultureInfo.InvariantCulture)))),
        (1, Gen.Double.Where(double.IsFinite).Select(d => Raw(d.ToString("R", CultureInfo.InvariantCulture)))));

    /// <summary>A string holding bytes that are not UTF-8: stray continuation, overlong, encoded surrogate, beyond U+10FFFF, cut short.</summary>
    private static readonly Gen<FuzzJson> BadUtf8String = Gen.OneOf<byte[]>([0xFF], [0x80], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82])
        .Select(bytes => (FuzzJson)new FuzzRaw([(byte)'"', (byte)'x', .. bytes, (byte)'"']));

    /// <summary>Nested arrays or objects, below the reader's depth limit of 64 and past it.</summary>
    private static readonly Gen<FuzzJson> Deep = Gen.Select(Gen.Int[1, 80], Gen.Bool, (depth, arrays) => arrays
        ? Raw(new string('[', depth) + new string(']', depth))
        : Raw(string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)));

    // Bad UTF-8 and deep nesting end a parse at once: rare enough that most files get past them.
    private static readonly Gen<FuzzJson> Scalar = Gen.Frequency(
        (4, Number), (6, OddString.Select(FuzzJson.Str)), (3, Gen.OneOf("true", "false", "null").Select(Raw)),
        (1, Gen.Frequency((1, BadUtf8String), (15, Gen.Const(FuzzJson.Null)))));

    public static readonly Gen<FuzzJson> AnyValue = Gen.Recursive<FuzzJson>((depth, any) => depth >= 3 ? Scalar : Gen.Frequency(
        (12, Scalar),
        (2, any.Array[0, 4].Select(FuzzJson.Arr)),
        (2, Gen.Select(Name(["a", "x"]), any).Array[0, 4].Select(FuzzJson.Obj)),
        (1, Gen.Frequency((1, Deep), (3, Scalar)))));

    /// <summary>Mostly one of <paramref name="names"/>, sometimes an odd string.</summary>
    public static Gen<string> Name(string[] names) => Gen.Frequency((8, Gen.OneOf(names)), (1, OddString));

    public static FuzzJson Raw(string text) => new FuzzRaw(text);

    public static FuzzJson Int(int n) => Raw(n.ToString(CultureInfo.InvariantCulture));

    /// <summary>One value from each generator, in order.</summary>
    public static Gen<ImmutableList<T>> All<T>(IEnumerable<Gen<T>> each) =>
        each.Aggregate(Gen.Const(ImmutableList<T>.Empty), (list, one) => Gen.Select(list, one, (l, x) => l.Add(x)));
}
