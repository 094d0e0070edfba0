using System.Globalization;
using System.Text;

namespace Spawn.Tests.Fuzzing;

/// <summary>
/// A JSON value as the fuzzer writes it. Unlike JsonNode it holds what a hand-written file can: duplicate keys,
/// numbers no double holds, strings with lone surrogates, and raw bytes that are not UTF-8.
/// </summary>
public abstract record FuzzJson
{
    public static FuzzJson Null { get; } = new FuzzRaw("null");

    public static FuzzJson Str(string value) => new FuzzString(value);

    public static FuzzJson Obj(params (string Name, FuzzJson Value)[] members) => new FuzzObject(members);

    public static FuzzJson Arr(params FuzzJson[] items) => new FuzzArray(items);
}

public sealed record FuzzObject(IReadOnlyList<(string Name, FuzzJson Value)> Members) : FuzzJson;

public sealed record FuzzArray(IReadOnlyList<FuzzJson> Items) : FuzzJson;

public sealed record FuzzString(string Value) : FuzzJson;

/// <summary>Written exactly as given: a number, a literal, or any bytes at all (inside a string, say).</summary>
public sealed record FuzzRaw(byte[] Bytes) : FuzzJson
{
    public FuzzRaw(string text) : this(Encoding.UTF8.GetBytes(text))
    {
    }
}

/// <summary>How a file is laid out: the dialect's comments and trailing commas, line breaks or none.</summary>
public sealed record FuzzLayout(bool Comments, bool TrailingCommas, bool Indented)
{
    public static readonly FuzzLayout Plain = new(false, false, false);

    public byte[] Write(FuzzJson value)
    {
        var output = new MemoryStream();
        Write(output, value, 0);
        return output.ToArray();
    }

    private void Write(MemoryStream output, FuzzJson value, int depth)
    {
        switch (value)
        {
            case FuzzObject obj:
                WriteList(output, '{', '}', obj.Members, depth, (member, d) =>
                {
                    WriteString(output, member.Name);
                    Text(output, Indented ? ": " : ":");
                    Write(output, member.Value, d);
                });
                break;
            case FuzzArray array:
                WriteList(output, '[', ']', array.Items, depth, (item, d) => Write(output, item, d));
                break;
            case FuzzString s:
                WriteString(output, s.Value);
                break;
            case FuzzRaw raw:
                output.Write(raw.Bytes);
                break;
        }
    }

    private void WriteList<T>(MemoryStream output, char open, char close, IReadOnlyList<T> items, int depth, Action<T, int> write)
    {
        output.WriteByte((byte)open);
        for (var i = 0; i < items.Count; i++)
        {
            Break(output, depth + 1);
            if (Comments && i == 0)
            {
                Text(output, "/* first */ ");
            }

            write(items[i], depth + 1);
            if (i < items.Count - 1 || TrailingCommas)
            {
                output.WriteByte((byte)',');
            }

            if (Comments)
            {
                Text(output, " // note");
                output.WriteByte((byte)'\n'); // a line comment ends at the line's end, whatever the layout
            }
        }

        Break(output, depth);
        output.WriteByte((byte)close);
    }

    private void Break(MemoryStream output, int depth)
    {
        if (Indented)
        {
            Text(output, "\n" + new string(' ', Math.Min(depth, 40) * 2));
        }
    }

    /// <summary>A JSON string: control characters and lone surrogates escaped, everything else as UTF-8.</summary>
    private static void WriteString(MemoryStream output, string value)
    {
        output.WriteByte((byte)'"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                Text(output, value.Substring(i++, 2));
            }
            else if (c is '"' or '\\')
            {
                Text(output, "\\" + c);
            }
            else if (c < ' ' || char.IsSurrogate(c))
            {
                Text(output, "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                Text(output, c.ToString());
            }
        }

        output.WriteByte((byte)'"');
    }

    private static void Text(MemoryStream output, string text) => output.Write(Encoding.UTF8.GetBytes(text));
}
