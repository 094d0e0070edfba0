using System.Globalization;

namespace Spawn.Execution;

/// <summary>
/// What an attempt leaves beside its exit-status path, written by the launcher so that it survives the agent:
/// <c>{exit}.pid</c> ("PID STARTTIME", first thing) and <c>{exit}</c> (the exit code, last thing). A file that is
/// missing, empty or unreadable reads as null: the launcher did not get that far.
/// </summary>
internal static class AttemptFiles
{
    public static string PidFile(string exitStatusPath) => exitStatusPath + ".pid";

    public static void Clear(string exitStatusPath)
    {
        File.Delete(exitStatusPath);
        File.Delete(PidFile(exitStatusPath));
    }

    public static int? ReadExitCode(string exitStatusPath) =>
        TryReadText(exitStatusPath) is { } text && int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : null;

    public static (int Pid, ulong StartTime)? ReadIdentity(string exitStatusPath)
    {
        var parts = TryReadText(PidFile(exitStatusPath))?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts is [var pid, var start]
            && int.TryParse(pid, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p)
            && ulong.TryParse(start, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
            ? (p, s)
            : null;
    }

    private static string? TryReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
