using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Spawn.Core.Parsing;

/// <summary>
/// Reads JSON (comments and trailing commas allowed) into a <see cref="SourceNode"/> tree with positions.
/// Malformed JSON is returned as one error position and message, never thrown.
/// </summary>
public static class SourceReader
{
    private static readonly JsonReaderOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    // Field names repeat in every job: reuse one string each instead of allocating it 100,000 times.
    private static readonly string[] KnownNames = [.. QueueFields.QueueAccepted, .. QueueFields.Job, .. QueueFields.Retry];
    private static readonly byte[][] KnownNamesUtf8 = [.. KnownNames.Select(Encoding.UTF8.GetBytes)];

    // Where a word ends in JSON: white space, punctuation, the start of a string or a comment.
    private static readonly SearchValues<char> WordEnd = SearchValues.Create(" \t\r\n,:[]{}\"/");

    public sealed record Failure(int Offset, string Message);

    public static SourceNode? Read(byte[] utf8, LineMap lines, out Failure? failure)
    {
        failure = null;
        var reader = new Utf8JsonReader(utf8, Options);
        try
        {
            if (!reader.Read())
            {
                failure = new Failure(0, "the file holds no JSON value");
                return null;
            }

            var root = ReadValue(ref reader, new Scratch());
            if (reader.Read())
            {
                failure = new Failure((int)reader.TokenStartIndex, "unexpected content after the end of the JSON value");
                return null;
            }

            return root;
        }
        catch (JsonException) when (reader.TokenType == JsonTokenType.None)
        {
            failure = new Failure(0, "the file holds no JSON value, only comments or white space");
            return null;
        }
        catch (JsonException e)
        {
            failure = new Failure(lines.Offset(e.LineNumber ?? 0, e.BytePositionInLine ?? 0), "invalid JSON: " + Describe(e));
            return null;
        }
        catch (InvalidOperationException)
        {
            // Thrown when a string holds bytes that are not UTF-8, or \u escapes that leave half a surrogate pair
            // ("\ud800" alone): valid UTF-8, which "the file must be UTF-8" would send the user looking for in vain.
            failure = new Failure((int)reader.TokenStartIndex, Utf8.IsValid(reader.ValueSpan)
                ? "invalid string: a \\u escape of half a surrogate pair (\\ud800-\\udfff) must be followed by the other half"
                : "invalid text: the file must be UTF-8");
            return null;
        }
    }

    private static SourceNode ReadValue(ref Utf8JsonReader reader, Scratch scratch)
    {
        var offset = (int)reader.TokenStartIndex;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var members = scratch.Members(reader.CurrentDepth);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var nameOffset = (int)reader.TokenStartIndex;
                    var name = Name(ref reader);
                    reader.Read();
                    members.Add(new SourceMember(name, nameOffset, ReadValue(ref reader, scratch)));
                }

                var memberArray = members.ToArray();
                members.Clear();
                return new SourceObject(offset, memberArray);
            case JsonTokenType.StartArray:
                var items = scratch.Items(reader.CurrentDepth);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader, scratch));
                }

                var itemArray = items.ToArray();
                items.Clear();
                return new SourceArray(offset, itemArray);
            case JsonTokenType.String:
                return new SourceString(offset, reader.GetString()!);
            case JsonTokenType.Number:
                return new SourceNumber(offset, Encoding.UTF8.GetString(reader.ValueSpan));
            case JsonTokenType.True:
            case JsonTokenType.False:
                return new SourceBoolean(offset, reader.GetBoolean());
            default:
                return new SourceNull(offset);
        }
    }

    private static string Name(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            var span = reader.ValueSpan;
            for (var i = 0; i < KnownNamesUtf8.Length; i++)
            {
                if (span.SequenceEqual(KnownNamesUtf8[i]))
                {
                    return KnownNames[i];
                }
            }
        }

        return reader.GetString()!;
    }

    // System.Text.Json appends " LineNumber: 0 | BytePositionInLine: 5." — we print our own position instead.
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return BadLiteral(cut > 0 ? message[..cut].TrimEnd() : message);
    }

    /// <summary>
    /// For a misspelt <c>true</c>, <c>false</c> or <c>null</c>, System.Text.Json quotes everything from the word to
    /// the end of the file, line breaks included: the error would be the rest of the file. Only the word is kept.
    /// </summary>
    private static string BadLiteral(string message)
    {
        const string Tail = "' is an invalid JSON literal.";
        var end = message.IndexOf(Tail, StringComparison.Ordinal);
        if (!message.StartsWith('\'') || end < 1)
        {
            return message;
        }

        var literal = message.AsSpan(1, end - 1);
        var word = literal.IndexOfAny(WordEnd) is var stop and >= 0 ? literal[..stop] : literal;
        return word.Length > 32 ? $"'{word[..32]}…{message[end..]}" : $"'{word}{message[end..]}";
    }

    /// <summary>One reusable list per nesting depth, so each node gets an exact-size array and no growth garbage.</summary>
    private sealed class Scratch
    {
        private readonly List<List<SourceMember>> _members = [];
        private readonly List<List<SourceNode>> _items = [];

        public List<SourceMember> Members(int depth) => At(_members, depth);

        public List<SourceNode> Items(int depth) => At(_items, depth);

        private static List<T> At<T>(List<List<T>> lists, int depth)
        {
            while (lists.Count <= depth)
            {
                lists.Add([]);
            }

            return lists[depth];
        }
    }
}
