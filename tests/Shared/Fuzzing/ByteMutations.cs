using System.Text;
using CsCheck;

namespace Spawn.Tests.Fuzzing;

/// <summary>
/// Mutation fuzzing: a real file with one to four edits — a bit flipped, a byte replaced, a token or odd bytes
/// inserted, a range deleted or copied elsewhere (which repeats keys and members), a string's content swapped, the
/// file cut short. Positions are fractions of the length, so every edit fits whatever the earlier ones did.
/// </summary>
public static class ByteMutations
{
    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "{", "}", "[", "]", "\"", ":", ",", "\\", "/*", "*/", "//", "\n", "null", "true", "0", "-0", "1e309", "\"\\ud800\"",
            "\"\\u0000\"", "\"jobs\": [],", "\"job_id\": \"a\",", "\"depends_on\": [\"a\"],", "\"retry\": {},", "\"timeout\": \"1ns\",",
        }.Select(Encoding.UTF8.GetBytes),
        [0xFF], [0x00], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF],
    ];

    private static readonly string[] Contents = ["", "a", "b", "x y", "1d", "-1s", "1ns", "9999999999h", "jobs", "job_id", "\\ud800", "\\u0000", "\\", "stop"];

    private static readonly Gen<Func<byte[], byte[]>> Edits = Gen.OneOf(
        Gen.Select(Gen.Double.Unit, Gen.Int[0, 7], (at, bit) => Edit(b => FlipBit(b, At(b, at), bit))),
        Gen.Select(Gen.Double.Unit, Gen.Byte, (at, value) => Edit(b => Replace(b, At(b, at), 1, [value]))),
        Gen.Select(Gen.Double.Unit, Gen.Int[0, Tokens.Length - 1], (at, token) => Edit(b => Replace(b, At(b, at), 0, Tokens[token]))),
        Gen.Select(Gen.Double.Unit, Gen.Int[1, 16], (at, length) => Edit(b => Replace(b, At(b, at), length, []))),
        Gen.Select(Gen.Double.Unit, Gen.Int[1, 64], Gen.Double.Unit, (from, length, to) => Edit(b => Copy(b, At(b, from), length, At(b, to)))),
        Gen.Select(Gen.Int[0, 50], Gen.Int[0, Contents.Length - 1], (n, content) => Edit(b => SwapString(b, n, Contents[content]))),
        Gen.Double.Unit.Select(at => Edit(b => b[..At(b, at)])));

    public static Gen<byte[]> Of(IReadOnlyList<byte[]> files) =>
        from file in Gen.Int[0, files.Count - 1]
        from edits in Edits.Array[1, 4]
        select edits.Aggregate(files[file], (bytes, edit) => edit(bytes));

    // Names the lambda's type for Gen.OneOf.
    private static Func<byte[], byte[]> Edit(Func<byte[], byte[]> edit) => edit;

    private static int At(byte[] bytes, double fraction) => (int)(fraction * bytes.Length);

    private static byte[] FlipBit(byte[] bytes, int at, int bit) =>
        at < bytes.Length ? Replace(bytes, at, 1, [(byte)(bytes[at] ^ (1 << bit))]) : bytes;

    private static byte[] Replace(byte[] bytes, int at, int length, byte[] with) =>
        [.. bytes[..at], .. with, .. bytes[Math.Min(at + length, bytes.Length)..]];

    private static byte[] Copy(byte[] bytes, int from, int length, int to) =>
        Replace(bytes, to, 0, bytes[from..Math.Min(from + length, bytes.Length)]);

    /// <summary>The content of the <paramref name="n"/>-th quoted string (counting quotes, escapes or not), if there is one.</summary>
    private static byte[] SwapString(byte[] bytes, int n, string content)
    {
        var quotes = bytes.Select((b, i) => (b, i)).Where(x => x.b == (byte)'"').Select(x => x.i).ToArray();
        if (quotes.Length < 2)
        {
            return bytes;
        }

        var k = n % (quotes.Length / 2) * 2;
        return Replace(bytes, quotes[k] + 1, quotes[k + 1] - quotes[k] - 1, Encoding.UTF8.GetBytes(content));
    }
}
