using Spawn.Core.Parsing;

namespace Spawn.Core.Tests.Parsing;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("300ms", 300 * TimeSpan.TicksPerMillisecond)]
    [InlineData("1.5h", 90 * TimeSpan.TicksPerMinute)]
    [InlineData("1h30m", 90 * TimeSpan.TicksPerMinute)]
    [InlineData("2h30m", 150 * TimeSpan.TicksPerMinute)]
    [InlineData("10us", 10 * TimeSpan.TicksPerMicrosecond)]
    [InlineData("1µs", TimeSpan.TicksPerMicrosecond)]
    [InlineData("1μs", TimeSpan.TicksPerMicrosecond)]
    [InlineData("500ns", 5)]
    [InlineData("30s", 30 * TimeSpan.TicksPerSecond)]
    [InlineData("24h", 24 * TimeSpan.TicksPerHour)]
    [InlineData(".5s", 5 * TimeSpan.TicksPerSecond / 10)]
    [InlineData("5.s", 5 * TimeSpan.TicksPerSecond)]
    [InlineData("1h1m1s1ms", TimeSpan.TicksPerHour + TimeSpan.TicksPerMinute + TimeSpan.TicksPerSecond + TimeSpan.TicksPerMillisecond)]
    [InlineData("0", 0)]
    [InlineData("+5m", 5 * TimeSpan.TicksPerMinute)]
    [InlineData("-1.5s", -15 * TimeSpan.TicksPerSecond / 10)]
    [InlineData("2562047h", 2562047 * TimeSpan.TicksPerHour)]
    public void Go_duration_strings_parse_to_the_same_length_of_time_as_in_Go(string text, long ticks)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromTicks(ticks), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("1d")]
    [InlineData("1w")]
    [InlineData("m")]
    [InlineData(".")]
    [InlineData(".s")]
    [InlineData("-")]
    [InlineData("1h 30m")]
    [InlineData(" 5m")]
    [InlineData("5M")]
    [InlineData("1e3s")]
    [InlineData("3000000h")]
    [InlineData("invalid")]
    public void Anything_Go_rejects_is_rejected(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(5 * TimeSpan.TicksPerMinute, "5m")]
    [InlineData(90 * TimeSpan.TicksPerMinute, "1h30m")]
    [InlineData(TimeSpan.TicksPerHour, "1h")]
    [InlineData(90 * TimeSpan.TicksPerSecond, "1m30s")]
    [InlineData(15 * TimeSpan.TicksPerSecond / 10, "1.5s")]
    [InlineData(300 * TimeSpan.TicksPerMillisecond, "300ms")]
    [InlineData(15 * TimeSpan.TicksPerMillisecond / 10, "1.5ms")]
    [InlineData(10 * TimeSpan.TicksPerMicrosecond, "10µs")]
    [InlineData(3L, "300ns")]
    [InlineData(-5 * TimeSpan.TicksPerSecond, "-5s")]
    public void Durations_format_in_short_Go_style(long ticks, string expected)
    {
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromTicks(ticks)));
    }

    [Theory]
    [InlineData("1h30m")]
    [InlineData("1m30.5s")]
    [InlineData("300ms")]
    [InlineData("26h3m4.0000001s")]
    public void Formatted_durations_parse_back_to_the_same_value(string text)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.True(GoDuration.TryParse(GoDuration.Format(value), out var again));
        Assert.Equal(value, again);
    }
}
