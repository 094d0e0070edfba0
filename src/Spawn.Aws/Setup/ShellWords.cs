namespace Spawn.Aws.Setup;

/// <summary>Arguments written as a POSIX shell would read them back, for commands printed to paste.</summary>
public static class ShellWords
{
    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));

    /// <summary>Plain words stay as they are; anything else goes in single quotes (a quote inside as <c>'\''</c>).</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or '@' or ',' or '+')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
