using System.Globalization;
using System.Text;

namespace Spawn.Execution;

/// <summary>
/// What attempts leave behind so that it survives the agent: one append-only file per attempts directory,
/// <c>attempts.log</c>, beside where each attempt's exit-status path points. An attempt is named by that path's file
/// name (<c>{job}.{n}.exit</c>); its lines are <c>c NAME</c> (cleared by the agent before a start), <c>a NAME PREVIOUS</c>
/// (cleared by the agent before it asks for the attempt to start after PREVIOUS), <c>p NAME SESSION</c> (the launcher,
/// whose session that is, about to spawn it), <c>n NAME</c> (the launcher, declining it after all: the agent that
/// asked is gone), <c>s NAME PID STARTTIME</c> (the launcher, once spawned) and <c>x NAME PID EXITCODE</c> (the
/// launcher, once it ended).
/// Only lines after the attempt's last <c>c</c> or <c>a</c> count.
/// </summary>
/// <remarks>
/// One file appended to instead of two new files per attempt: on some disks a new file costs more than the rest of
/// a short job's bookkeeping. Every line is one small O_APPEND write (<see cref="AppendOnlyFile"/>); a torn last line
/// is ignored.
/// </remarks>
internal static class AttemptRecords
{
    public const string FileName = "attempts.log";

    public static string RecordFile(string exitStatusPath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(exitStatusPath))!, FileName);

    public static string Name(string exitStatusPath) => Path.GetFileName(exitStatusPath);

    /// <summary>Forgets what an earlier run of this attempt recorded, so it is not taken for this run's.</summary>
    public static void Clear(OpenRecordFile records, string exitStatusPath) =>
        records.For(RecordFile(exitStatusPath)).AppendLine($"c {Name(exitStatusPath)}");

    /// <summary>As <see cref="Clear"/>, for an attempt asked to start after <paramref name="previousName"/>: an agent
    /// that restarts can tell that the launcher may have started it without the state saying so.</summary>
    public static void ClearToFollow(OpenRecordFile records, string exitStatusPath, string previousName) =>
        records.For(RecordFile(exitStatusPath)).AppendLine($"a {Name(exitStatusPath)} {previousName}");

    /// <summary>The attempt's pid and start time, and its exit code, as far as they are recorded (nulls otherwise).</summary>
    public static AttemptRecord Read(string exitStatusPath)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllText(RecordFile(exitStatusPath)).Split('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new AttemptRecord(null, null, null, null);
        }

        var name = Name(exitStatusPath);
        int? spawning = null;
        (int, ulong)? identity = null;
        int? exitCode = null;
        string? follows = null;

        // The last element is what follows the last newline: empty, or a line still being written.
        foreach (var line in lines.AsSpan(0, lines.Length - 1))
        {
            switch (line.Split(' '))
            {
                case ["c", var n] when n == name:
                    (spawning, identity, exitCode, follows) = (null, null, null, null);
                    break;
                case ["a", var n, var previous] when n == name:
                    (spawning, identity, exitCode, follows) = (null, null, null, previous);
                    break;
                case ["p", var n, var session] when n == name && int.TryParse(session, CultureInfo.InvariantCulture, out var sid):
                    spawning = sid;
                    break;
                case ["n", var n] when n == name:
                    spawning = null;
                    break;
                case ["s", var n, var pid, var start] when n == name && int.TryParse(pid, CultureInfo.InvariantCulture, out var p)
                    && ulong.TryParse(start, CultureInfo.InvariantCulture, out var s):
                    identity = (p, s);
                    break;
                case ["x", var n, _, var code] when n == name && int.TryParse(code, CultureInfo.InvariantCulture, out var c):
                    exitCode = c;
                    break;
            }
        }

        return new AttemptRecord(spawning, identity, exitCode, follows);
    }
}

/// <param name="SpawnedInSession">The launcher got as far as starting the attempt, in this session: it may have run
/// even with no pid recorded.</param>
/// <param name="Follows">The attempt it was asked to start after, if it was.</param>
internal sealed record AttemptRecord(int? SpawnedInSession, (int Pid, ulong StartTime)? Identity, int? ExitCode, string? Follows);
