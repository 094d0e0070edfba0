using System.Text;

namespace Spawn.Cli.Rendering;

/// <summary>The last non-empty line of a log file, reading only its tail (logs can be gigabytes).</summary>
internal static class LastLine
{
    public static string Of(string path, int maxLength = 60)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = (int)Math.Min(file.Length, 4096);
            file.Seek(-length, SeekOrigin.End);
            var buffer = new byte[length];
            file.ReadExactly(buffer);
            var line = Encoding.UTF8.GetString(buffer).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
            return line.Length <= maxLength ? line : line[..(maxLength - 1)] + "…";
        }
        catch (IOException)
        {
            return "";
        }
    }
}
