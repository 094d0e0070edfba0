using System.Globalization;

namespace Spawn.Execution;

/// <summary>
/// One attempt as the agent asks its launcher for it: after the tag (and, for a start after another attempt, that
/// attempt's name), the stdout log, stderr log, record file, attempt name, working directory, command, the number of
/// variables, then NAME=VALUE for each.
/// </summary>
/// <param name="After">The attempt this one may only follow, once that one exited 0 by itself; null to start at once.</param>
internal sealed record LaunchRequest(
    string StdoutLog,
    string StderrLog,
    string RecordFile,
    string AttemptName,
    string WorkingDirectory,
    string Command,
    IReadOnlyList<string> Variables,
    string? After = null) : LauncherMessage
{
    protected override IEnumerable<string> Fields()
    {
        string[] head = After is null ? [StartTag] : [StartAfterTag, After];
        return [.. head, StdoutLog, StderrLog, RecordFile, AttemptName, WorkingDirectory, Command, Variables.Count.ToString(CultureInfo.InvariantCulture), .. Variables];
    }

    /// <summary>Reads the rest of a request whose tag (and predecessor) were read already.</summary>
    /// <exception cref="InvalidDataException">The input ended inside the request, or its count is not a number.</exception>
    public static LaunchRequest Read(Func<string?> nextField, string? after)
    {
        string Next() => nextField() ?? throw new InvalidDataException("the request ended early");

        var fields = new string[7];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = Next();
        }

        var count = int.TryParse(fields[6], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new InvalidDataException("bad variable count");
        var variables = new string[count];
        for (var i = 0; i < count; i++)
        {
            variables[i] = Next();
        }

        return new LaunchRequest(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], variables, after);
    }
}
