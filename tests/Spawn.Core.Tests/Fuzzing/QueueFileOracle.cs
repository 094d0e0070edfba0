using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Spawn.Core.Model;
using Spawn.Core.Parsing;
using Spawn.Core.Planning;
using Spawn.Core.Tests.Parsing;
using Spawn.Core.Validation;

namespace Spawn.Core.Tests.Fuzzing;

/// <summary>
/// What must hold for any input at all: nothing escapes the parser and validator; the same input gets the same
/// answer; a rejected file has at least one error, each on one line of text, at a line and column inside the file
/// and, unless the JSON itself is broken, at the first character of a key or value;
/// an accepted file has valid ids, an execution order and a time bound, and is still accepted, as the same queue,
/// once rewritten as plain JSON (as <c>spawn launch</c> rewrites it).
/// </summary>
internal static class QueueFileOracle
{
    private static readonly TimeProvider Clock = new FakeTimeProvider(Parse.Now);

    private static readonly JsonDocumentOptions Dialect = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static void Holds(byte[] input)
    {
        var result = QueueFileParser.Parse(input, "q.json", Clock);

        Assert.Equal(result.Errors, QueueFileParser.Parse(input, "q.json", Clock).Errors);
        if (result.Queue is { } queue)
        {
            Accepted(input, queue, result);
        }
        else
        {
            Rejected(input, result);
        }
    }

    private static void Rejected(byte[] input, QueueParseResult result)
    {
        Assert.NotEmpty(result.Errors);
        var text = WithoutBom(input);
        var lines = LineStarts(text.Span);
        foreach (var error in result.Errors)
        {
            Assert.False(string.IsNullOrWhiteSpace(error.Message), "an error without a message");
            Assert.False(error.Message.AsSpan().ContainsAny('\n', '\r'), error.Message); // one error, one line of output
            Assert.InRange(error.Line, 1, lines.Count);
            var line = text.Span[lines[error.Line - 1]..];
            line = line[..(line.IndexOf((byte)'\n') is var end and >= 0 ? end : line.Length)];
            var at = ByteOfColumn(line, error.Column);
            Assert.True(at >= 0, $"column {error.Column} is past the end of line {error.Line}: {error.Message}");

            // Anything but a syntax error is about a key or a value, and points at its first character.
            if (!IsSyntaxError(error.Message))
            {
                Assert.True(at < line.Length && "{[\"-0123456789tfn".Contains((char)line[at]), $"{error.Line}:{error.Column} is not a key or value: {error.Message}");
            }
        }
    }

    private static bool IsSyntaxError(string message) =>
        message.StartsWith("invalid JSON", StringComparison.Ordinal) || message.StartsWith("invalid text", StringComparison.Ordinal)
        || message.StartsWith("the file holds no JSON", StringComparison.Ordinal) || message.StartsWith("q.json is empty", StringComparison.Ordinal);

    private static void Accepted(byte[] input, QueueDefinition queue, QueueParseResult result)
    {
        Assert.Empty(result.Errors);
        Assert.True(IdentifierRules.IsValidId(queue.QueueId), queue.QueueId);
        Assert.All(queue.Jobs, job => Assert.True(IdentifierRules.IsValidId(job.JobId), job.JobId));
        Assert.Equal(queue.Jobs.Count, ExecutionPlan.Order(queue).Distinct().Count());
        Assert.True(QueueTimeBound.Of(queue) > TimeSpan.Zero);

        var rewritten = Rewrite(input);
        var again = QueueFileParser.Parse(rewritten, "q.json", Clock);
        if (again.Queue is null)
        {
            Assert.Fail($"accepted, but not once rewritten as {Encoding.UTF8.GetString(rewritten)}:\n{string.Join("\n", again.Errors.Select(e => e.Format("q.json")))}");
        }

        Assert.Equal(Describe(queue), Describe(again.Queue));
    }

    /// <summary>The file as plain JSON: no comments, no trailing commas, no byte-order mark, strings escaped anew.</summary>
    private static byte[] Rewrite(byte[] input)
    {
        using var document = JsonDocument.Parse(WithoutBom(input), Dialect);
        using var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output))
        {
            document.RootElement.WriteTo(writer);
        }

        return output.ToArray();
    }

    // Records hold lists, which compare by reference: compare their JSON instead.
    private static string Describe(QueueDefinition queue) => JsonSerializer.Serialize(queue);

    private static List<int> LineStarts(ReadOnlySpan<byte> text)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts;
    }

    /// <summary>
    /// Where the 1-based <paramref name="column"/> starts in <paramref name="line"/>, counting characters (UTF-8
    /// continuation bytes start none); the line's length for the column just past its end, -1 beyond that.
    /// </summary>
    private static int ByteOfColumn(ReadOnlySpan<byte> line, int column)
    {
        var characters = 0;
        for (var i = 0; i < line.Length; i++)
        {
            if ((line[i] & 0xC0) != 0x80 && ++characters == column)
            {
                return i;
            }
        }

        return column == characters + 1 ? line.Length : -1;
    }

    private static ReadOnlyMemory<byte> WithoutBom(byte[] input) =>
        input.AsMemory(input.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0);
}
