using System.Globalization;
using System.Text;

namespace Spawn.Core.Parsing;

/// <summary>
/// Durations in the syntax of Go's <c>time.ParseDuration</c> (the guide's "Go duration strings"): an optional sign,
/// then one or more decimal numbers each followed by a unit (ns, us, µs, ms, s, m, h), e.g. "300ms", "1.5h", "1h30m".
/// A bare "0" is the only number allowed without a unit. TimeSpan holds 100 ns ticks, so nanoseconds are truncated.
/// </summary>
public static class GoDuration
{
    private const ulong MaxNanoseconds = 1UL << 63;

    /// <summary>Parses exactly what Go's <c>time.ParseDuration</c> accepts.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (text is null)
        {
            return false;
        }

        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        ulong total = 0;
        while (!s.IsEmpty)
        {
            // The next character must be [0-9.].
            if (s[0] != '.' && !char.IsAsciiDigit(s[0]))
            {
                return false;
            }

            var before = s.Length;
            if (!TryLeadingInt(ref s, out var whole))
            {
                return false;
            }

            var hasWhole = before != s.Length;
            ulong fraction = 0;
            var scale = 1.0;
            var hasFraction = false;
            if (!s.IsEmpty && s[0] == '.')
            {
                s = s[1..];
                var beforeFraction = s.Length;
                LeadingFraction(ref s, out fraction, out scale);
                hasFraction = beforeFraction != s.Length;
            }

            if (!hasWhole && !hasFraction)
            {
                return false; // "." or ".s"
            }

            var unitLength = 0;
            while (unitLength < s.Length && s[unitLength] != '.' && !char.IsAsciiDigit(s[unitLength]))
            {
                unitLength++;
            }

            if (unitLength == 0 || !TryUnit(s[..unitLength], out var unit))
            {
                return false; // missing or unknown unit: "5", "1d"
            }

            s = s[unitLength..];
            if (whole > MaxNanoseconds / unit)
            {
                return false;
            }

            whole *= unit;
            if (fraction > 0)
            {
                whole += (ulong)(fraction * (unit / scale));
                if (whole > MaxNanoseconds)
                {
                    return false;
                }
            }

            total += whole;
            if (total > MaxNanoseconds)
            {
                return false;
            }
        }

        if (!negative && total > MaxNanoseconds - 1)
        {
            return false;
        }

        var ticks = (long)(total / 100);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    /// <summary>
    /// A short Go-parseable form: "5m", "1h30m", "1m30.5s", "300ms", "0s" — Go's <c>String()</c> without its
    /// zero components ("5m" rather than "5m0s").
    /// </summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        if (value < TimeSpan.Zero)
        {
            return "-" + Format(value.Duration());
        }

        var ticks = value.Ticks;
        if (ticks < TimeSpan.TicksPerSecond)
        {
            return ticks switch
            {
                < TimeSpan.TicksPerMicrosecond => $"{ticks * 100}ns",
                < TimeSpan.TicksPerMillisecond => Decimal(ticks, TimeSpan.TicksPerMicrosecond) + "µs",
                _ => Decimal(ticks, TimeSpan.TicksPerMillisecond) + "ms",
            };
        }

        var text = new StringBuilder();
        var hours = ticks / TimeSpan.TicksPerHour;
        var minutes = ticks % TimeSpan.TicksPerHour / TimeSpan.TicksPerMinute;
        var secondTicks = ticks % TimeSpan.TicksPerMinute;
        if (hours > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{hours}h");
        }

        if (minutes > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{minutes}m");
        }

        if (secondTicks > 0)
        {
            text.Append(Decimal(secondTicks, TimeSpan.TicksPerSecond)).Append('s');
        }

        return text.ToString();
    }

    private static string Decimal(long ticks, long ticksPerUnit) =>
        ((decimal)ticks / ticksPerUnit).ToString("0.#######", CultureInfo.InvariantCulture);

    // Go's leadingInt: digits to an integer, failing on overflow.
    private static bool TryLeadingInt(ref ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        var i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            if (value > MaxNanoseconds / 10)
            {
                return false;
            }

            value = value * 10 + (ulong)(s[i] - '0');
            if (value > MaxNanoseconds)
            {
                return false;
            }
        }

        s = s[i..];
        return true;
    }

    // Go's leadingFraction: digits after the point; precision beyond 63 bits is dropped, never an error.
    private static void LeadingFraction(ref ReadOnlySpan<char> s, out ulong value, out double scale)
    {
        value = 0;
        scale = 1;
        var overflow = false;
        var i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            if (overflow)
            {
                continue;
            }

            if (value > (MaxNanoseconds - 1) / 10)
            {
                overflow = true;
                continue;
            }

            var next = value * 10 + (ulong)(s[i] - '0');
            if (next > MaxNanoseconds)
            {
                overflow = true;
                continue;
            }

            value = next;
            scale *= 10;
        }

        s = s[i..];
    }

    private static bool TryUnit(ReadOnlySpan<char> unit, out ulong nanoseconds)
    {
        nanoseconds = unit switch
        {
            "ns" => 1,
            "us" or "µs" or "μs" => 1_000, // U+00B5 micro sign and U+03BC Greek mu, as Go accepts both
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => 0,
        };
        return nanoseconds != 0;
    }
}
