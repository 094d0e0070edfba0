using System.Globalization;
using System.Text;
using CsCheck;

namespace Spawn.Tests.Fuzzing;

/// <summary>
/// How long each fuzz property runs. By default 1,000 inputs, so that <c>./test.sh</c> stays quick;
/// <c>scripts/fuzz.sh</c> sets <c>SPAWN_FUZZ_ITERATIONS</c> or <c>SPAWN_FUZZ_SECONDS</c> (per property) for a longer run.
/// A failure names the input and a seed: <c>CsCheck_Seed=SEED</c> in the environment replays exactly that case.
/// </summary>
public static class FuzzRun
{
    public const long DefaultIterations = 1000;

    public static long Iterations => Setting("SPAWN_FUZZ_ITERATIONS") ?? DefaultIterations;

    /// <summary>CsCheck's time: seconds per property, -1 for "count iterations instead".</summary>
    public static int Seconds => (int)(Setting("SPAWN_FUZZ_SECONDS") ?? -1);

    /// <summary>Checks <paramref name="property"/> on inputs from <paramref name="files"/>; a failure shows the input as text.</summary>
    public static void Fuzz(this Gen<byte[]> files, Action<byte[]> property, long? iterations = null) =>
        files.Fuzz(property, Show, iterations);

    /// <summary>The same for any input, shown by <paramref name="show"/> when it fails.</summary>
    public static void Fuzz<T>(this Gen<T> inputs, Action<T> property, Func<T, string> show, long? iterations = null) =>
        inputs.Sample(property, iter: iterations ?? Iterations, time: Seconds, print: show);

    /// <summary>
    /// The input as a C#-style string: printable ASCII as it is, everything else escaped, so a failure can be pasted
    /// into a regression test. Long inputs are cut: the seed reproduces them whole.
    /// </summary>
    public static string Show(byte[] input)
    {
        const int Limit = 2000;
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{input.Length} bytes: \"");
        foreach (var b in input.Take(Limit))
        {
            text.Append(b switch
            {
                (byte)'"' => "\\\"",
                (byte)'\\' => "\\\\",
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                (byte)'\t' => "\\t",
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => $"\\x{b:X2}",
            });
        }

        return text.Append(input.Length > Limit ? "\"…" : "\"").ToString();
    }

    private static long? Setting(string name) =>
        long.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
