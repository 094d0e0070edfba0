using System.Globalization;

namespace Spawn.Core.State;

/// <summary>
/// Keeps error messages small where they are stored or shown. A job may fail with a reason of any length (a long
/// result_paths problem, a huge stop reason); stored whole, every save rewrites it, so a queue of many such jobs
/// slows down and the state file grows without bound. The state keeps the head of the text and says how much was
/// cut; the agent's log gets the whole text.
/// </summary>
public static class BoundedText
{
    /// <summary>The most characters of an error message the state keeps (a few KiB in UTF-8).</summary>
    public const int StoredLimit = 2048;

    /// <summary>The most characters of an error message <c>status</c> prints on one line.</summary>
    public const int ShownLimit = 300;

    /// <summary>
    /// <paramref name="text"/> itself if it has at most <paramref name="limit"/> characters, else its first
    /// <paramref name="limit"/> characters (never half a surrogate pair, so the result is valid UTF-16 and UTF-8)
    /// followed by a marker that says how many were cut and where the whole text is.
    /// </summary>
    public static string? Stored(string? text, int limit = StoredLimit) =>
        text is null || text.Length <= limit ? text
            : string.Create(CultureInfo.InvariantCulture, $"{Head(text, limit)}… ({text.Length - Head(text, limit).Length} more characters; the full text is in the agent's log)");

    /// <summary>
    /// <paramref name="text"/> on one line (line breaks and tabs become spaces) and at most about
    /// <paramref name="limit"/> characters, for a table or a terminal.
    /// </summary>
    public static string Shown(string text, int limit = ShownLimit)
    {
        var line = string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] is '\r' or '\n' or '\t' ? ' ' : source[i];
            }
        });
        return line.Length <= limit ? line
            : string.Create(CultureInfo.InvariantCulture, $"{Head(line, limit)}… ({line.Length - Head(line, limit).Length} more characters)");
    }

    /// <summary>The first <paramref name="limit"/> characters, one fewer if the last would be a lone high surrogate.</summary>
    private static string Head(string text, int limit) =>
        text[..(char.IsHighSurrogate(text[limit - 1]) ? limit - 1 : limit)];
}
