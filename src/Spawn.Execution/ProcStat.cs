using System.Globalization;

namespace Spawn.Execution;

/// <summary>The parts of <c>/proc/PID/stat</c> that identify a process: state, process group, session and start time.</summary>
internal sealed record ProcStat(char State, int ProcessGroup, int Session, ulong StartTime)
{
    /// <summary>Null when the process does not exist (any more).</summary>
    public static ProcStat? TryRead(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may itself hold spaces and ')': fields 3.. follow the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return new ProcStat(
            fields[0][0],
            int.Parse(fields[2], CultureInfo.InvariantCulture),
            int.Parse(fields[3], CultureInfo.InvariantCulture),
            ulong.Parse(fields[19], CultureInfo.InvariantCulture));
    }

    /// <summary>Every process there is, as far as it can be read.</summary>
    public static IEnumerable<(int Pid, ProcStat Stat)> All()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && TryRead(pid) is { } stat)
            {
                yield return (pid, stat);
            }
        }
    }

    /// <summary>The same process still lives: the pid exists, is not a zombie, and started when it did.</summary>
    public static bool IsRunning(int pid, ulong startTime) => TryRead(pid) is { State: not 'Z' } stat && stat.StartTime == startTime;
}
