using Spawn.Core.Model;
using Spawn.Core.Parsing;

namespace Spawn.Hosting;

/// <summary>
/// Reads and parses a queue file for any command that takes one. Problems are printed as
/// <c>FILE:LINE:COL: error: MESSAGE</c>, one per line, so callers only decide the exit code (2).
/// </summary>
public static class QueueFileLoading
{
    /// <summary>The valid queue, or null after printing every problem (including an unreadable file) to <paramref name="stderr"/>.</summary>
    public static QueueDefinition? Load(string path, TimeProvider clock, TextWriter stderr) => LoadValid(path, clock, stderr)?.Queue;

    /// <summary>The parse result of a valid file (for runs, which need to know whether the id was generated), or null after printing every problem.</summary>
    public static QueueParseResult? LoadValid(string path, TimeProvider clock, TextWriter stderr)
    {
        var parsed = Parse(path, clock, stderr);
        if (parsed is not null)
        {
            PrintErrors(path, parsed, stderr);
        }

        return parsed is { IsValid: true } ? parsed : null;
    }

    /// <summary>The parse result (valid or not), or null when the file cannot be read — that one line already printed.</summary>
    public static QueueParseResult? Parse(string path, TimeProvider clock, TextWriter stderr)
    {
        if (ReadProblem(path, out var content) is { } problem)
        {
            stderr.WriteLine($"{path}: error: {problem}");
            return null;
        }

        return QueueFileParser.Parse(content, path, clock);
    }

    public static void PrintErrors(string path, QueueParseResult parsed, TextWriter stderr)
    {
        foreach (var error in parsed.Errors)
        {
            stderr.WriteLine(error.Format(path));
        }
    }

    /// <summary>Why the file cannot be read, in words a user acts on; null when <paramref name="content"/> holds it.</summary>
    public static string? ReadProblem(string path, out byte[] content)
    {
        content = [];
        try
        {
            if (Directory.Exists(path))
            {
                return "is a directory, not a queue file";
            }

            content = File.ReadAllBytes(path);
            return null;
        }
        catch (FileNotFoundException)
        {
            return "no such file";
        }
        catch (DirectoryNotFoundException)
        {
            return "no such file (its directory does not exist)";
        }
        catch (UnauthorizedAccessException)
        {
            return "permission denied";
        }
        catch (IOException e)
        {
            return $"cannot read it: {e.Message}";
        }
    }
}
