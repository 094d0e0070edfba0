using System.Globalization;
using System.Text;

namespace Spawn.Core.Parsing;

/// <summary>
/// Collects every error of one parse (never throws) and offers the typed reads the mappers share. Each read
/// reports a wrong type at the value's own position and returns null, so mapping carries on past it.
/// </summary>
public sealed class ParseContext
{
    private readonly List<(int Offset, string Path, int Job, string Message)> _errors = [];
    private readonly List<string?> _jobIds = [];
    private readonly List<(int Job, string Field, int Offset)> _remembered = [];

    private static readonly TimeSpan MinimumDuration = TimeSpan.FromMilliseconds(1);

    public int ErrorCount => _errors.Count;

    public void Error(int offset, JsonPath path, string message) => _errors.Add((offset, path.ToString(), path.Job, message));

    /// <summary>Records the job_id of <c>jobs[index]</c>, so that every error about that job can name it.</summary>
    public void NameJob(int index, string id)
    {
        while (_jobIds.Count <= index)
        {
            _jobIds.Add(null);
        }

        _jobIds[index] = id;
    }

    /// <summary>Keeps where a job's field was written, for checks made after parsing (see <see cref="FieldPositions"/>).</summary>
    public void Remember(int offset, JsonPath path)
    {
        if (path is { Job: >= 0, Field: { } field })
        {
            _remembered.Add((path.Job, field, offset));
        }
    }

    public FieldPositions Positions(LineMap lines) =>
        _remembered.Count == 0 ? FieldPositions.None : new FieldPositions(_remembered.ToDictionary(r => (r.Job, r.Field), r => lines.Position(r.Offset)));

    /// <summary>The errors in file order, with line and column, each job named by its id beside its position.</summary>
    public IReadOnlyList<QueueError> Errors(LineMap lines) =>
        _errors
            .Select((e, i) => (e, i))
            .OrderBy(x => x.e.Offset).ThenBy(x => x.i)
            .Select(x =>
            {
                var (line, column) = lines.Position(x.e.Offset);
                return new QueueError(line, column, x.e.Path, OneLine(JobNames.Apply(x.e.Message, x.e.Job, _jobIds)));
            })
            .ToList();

    /// <summary>
    /// The message with control characters and line separators written as the JSON escapes a file spells them with
    /// (<c>\n</c>, <c>\u001b</c>): messages quote the file's names and values, and each error must stay one line
    /// (<c>FILE:LINE:COL: error: …</c>) that cannot move a terminal's cursor or change its colours.
    /// </summary>
    private static string OneLine(string message)
    {
        if (!message.Any(IsUnprintable))
        {
            return message;
        }

        var text = new StringBuilder(message.Length + 16);
        foreach (var c in message)
        {
            if (!IsUnprintable(c))
            {
                text.Append(c);
                continue;
            }

            text.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
        }

        return text.ToString();
    }

    private static bool IsUnprintable(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    /// <summary>
    /// The known members of an object. Duplicate keys and unknown fields are errors (with a suggestion);
    /// a null value counts as absent.
    /// </summary>
    public ObjectFields Members(SourceObject obj, JsonPath path, IReadOnlyList<string> known, Func<string, string?> suggest)
    {
        var slots = new SourceMember?[known.Count];
        var seen = 0UL;
        foreach (var member in obj.Members)
        {
            var slot = IndexOf(known, member.Name);
            if (slot < 0)
            {
                var hint = suggest(member.Name) is { } guess ? $"; did you mean \"{guess}\"?" : $"; expected one of {string.Join(", ", known)}";
                Error(member.NameOffset, path.Child(member.Name), $"unknown field \"{member.Name}\" in {path.Describe()}{hint}");
            }
            else if ((seen & (1UL << slot)) != 0)
            {
                Error(member.NameOffset, path.Child(member.Name), $"duplicate key \"{member.Name}\" in {path.Describe()}");
            }
            else
            {
                seen |= 1UL << slot;
                slots[slot] = member.Value is SourceNull ? null : member;
            }
        }

        return new ObjectFields(known, slots);
    }

    public SourceObject? Object(SourceNode node, JsonPath path)
    {
        if (node is SourceObject obj)
        {
            return obj;
        }

        WrongType(node, path, "an object");
        return null;
    }

    public SourceArray? Array(SourceNode node, JsonPath path)
    {
        if (node is SourceArray array)
        {
            return array;
        }

        WrongType(node, path, "an array");
        return null;
    }

    public string? String(SourceNode node, JsonPath path)
    {
        if (node is SourceString s)
        {
            return s.Value;
        }

        WrongType(node, path, "a string");
        return null;
    }

    /// <summary>A string that must hold something other than spaces.</summary>
    public string? NonEmptyString(SourceNode node, JsonPath path)
    {
        var value = String(node, path);
        if (value is not null && string.IsNullOrWhiteSpace(value))
        {
            Error(node.Offset, path, $"{path} must not be empty");
            return null;
        }

        return value;
    }

    /// <summary>
    /// <paramref name="value"/>, or null with an error when it holds a NUL: commands, environment values and paths
    /// reach the kernel as C strings, which end at the first NUL, so the job would run something else than written.
    /// </summary>
    public string? WithoutNul(SourceNode node, JsonPath path, string value)
    {
        if (!value.Contains('\0', StringComparison.Ordinal))
        {
            return value;
        }

        Error(node.Offset, path, $"{path} contains a NUL character (\\u0000), which a command, environment value or path cannot carry");
        return null;
    }

    public int? Integer(SourceNode node, JsonPath path)
    {
        if (node is not SourceNumber number)
        {
            WrongType(node, path, "a whole number");
            return null;
        }

        if (!int.TryParse(number.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Error(node.Offset, path, $"{path} must be a whole number, found {number.Text}");
            return null;
        }

        return value;
    }

    public double? Number(SourceNode node, JsonPath path)
    {
        if (node is not SourceNumber number)
        {
            WrongType(node, path, "a number");
            return null;
        }

        return double.Parse(number.Text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>A Go duration string; <paramref name="allowZero"/> false means it must be positive.</summary>
    public TimeSpan? Duration(SourceNode node, JsonPath path, bool allowZero)
    {
        if (node is not SourceString { Value: var text })
        {
            WrongType(node, path, "a duration string such as \"90s\" or \"5m\"");
            return null;
        }

        if (!GoDuration.TryParse(text, out var value))
        {
            Error(node.Offset, path, $"{path}: invalid duration \"{text}\" (use Go syntax such as \"90s\", \"5m\", \"1h30m\")");
            return null;
        }

        // Decided on the text, not the value: TimeSpan truncates "1ns" to zero, which made it "not positive" while
        // "1us" passed, and timers count whole milliseconds. Any amount written below 1ms gets the same answer.
        var nonZero = text.AsSpan().IndexOfAnyInRange('1', '9') >= 0;
        if (value < TimeSpan.Zero || (nonZero && text.StartsWith('-')) || (!allowZero && !nonZero))
        {
            Error(node.Offset, path, $"{path} must be {(allowZero ? "zero or more" : "positive")}, found \"{text}\"");
            return null;
        }

        if (nonZero && value < MinimumDuration)
        {
            Error(node.Offset, path, $"{path} must be {(allowZero ? "zero or " : "")}at least 1ms, found \"{text}\" (time is counted in whole milliseconds)");
            return null;
        }

        return value;
    }

    private static int IndexOf(IReadOnlyList<string> known, string name)
    {
        for (var i = 0; i < known.Count; i++)
        {
            if (string.Equals(known[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private void WrongType(SourceNode node, JsonPath path, string expected) =>
        Error(node.Offset, path, $"{path} must be {expected}, found {node.Kind}");
}
