using System.Text;
using Microsoft.Extensions.Time.Testing;
using Spawn.Core.Parsing;

namespace Spawn.Core.Tests.Parsing;

public sealed class EncodingTests
{
    private static readonly FakeTimeProvider Clock = new(Parse.Now);

    [Fact]
    public void A_file_saved_with_a_UTF8_byte_order_mark_parses_and_keeps_its_columns()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("""{"jobs": [{"job_id": "a", "command": "x", "timeout": "1d"}]}""")).ToArray();

        var error = Assert.Single(QueueFileParser.Parse(bytes, "q.json", Clock).Errors);

        Assert.Equal((1, 54), (error.Line, error.Column));
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_are_a_clear_error_not_a_crash()
    {
        // Two bytes that never occur in UTF-8, inside the command string.
        var bytes = Encoding.UTF8.GetBytes("""{"jobs": [{"job_id": "a", "command": "xy", "timeout": "1m"}]}""");
        var broken = bytes.Take(39).Concat(new byte[] { 0xFF, 0xFE }).Concat(bytes.Skip(39)).ToArray();

        var error = Assert.Single(QueueFileParser.Parse(broken, "q.json", Clock).Errors);

        Assert.StartsWith("invalid", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void An_escape_of_half_a_surrogate_pair_is_named_as_such_not_as_a_file_that_is_not_UTF8()
    {
        // Met while fuzzing: "\ud800" alone is valid UTF-8 and valid JSON, but no string.
        var error = Assert.Single(Parse.Text("""{"jobs": [{"job_id": "a\ud800", "command": "x", "timeout": "1m"}]}""").Errors);

        Assert.Equal("1:22: invalid string: a \\u escape of half a surrogate pair (\\ud800-\\udfff) must be followed by the other half",
            $"{error.Line}:{error.Column}: {error.Message}");
    }

    [Fact]
    public void A_file_with_only_comments_says_it_holds_no_queue()
    {
        var error = Assert.Single(Parse.Text("// nothing yet\n").Errors);

        Assert.Equal("1:1: the file holds no JSON value, only comments or white space", $"{error.Line}:{error.Column}: {error.Message}");
    }
}
