using System.Globalization;
using System.Text;

namespace Spawn.Execution;

/// <summary>
/// One attempt as the agent asks its launcher for it: NUL-terminated UTF-8 fields (stdout log, stderr log, record
/// file, attempt name, working directory, command, the number of variables, then NAME=VALUE for each). NUL is the
/// one byte no path, command or variable can hold, so no field needs quoting.
/// </summary>
internal sealed record LaunchRequest(
    string StdoutLog,
    string StderrLog,
    string RecordFile,
    string AttemptName,
    string WorkingDirectory,
    string Command,
    IReadOnlyList<string> Variables)
{
    public byte[] Encode()
    {
        var fields = new List<string> { StdoutLog, StderrLog, RecordFile, AttemptName, WorkingDirectory, Command, Variables.Count.ToString(CultureInfo.InvariantCulture) };
        fields.AddRange(Variables);
        var request = new StringBuilder();
        foreach (var field in fields)
        {
            if (field.Contains('\0', StringComparison.Ordinal))
            {
                throw new IOException("a command, path or variable holds a NUL character, which no process can receive");
            }

            request.Append(field).Append('\0');
        }

        return Encoding.UTF8.GetBytes(request.ToString());
    }

    /// <summary>The next request, or null at the end of the stream (the agent closed it, or died).</summary>
    /// <exception cref="InvalidDataException">The stream ended inside a request, or its count is not a number.</exception>
    public static LaunchRequest? Read(Stream input)
    {
        var fields = new string[7];
        for (var i = 0; i < fields.Length; i++)
        {
            if (ReadField(input) is not { } field)
            {
                return i == 0 ? null : throw new InvalidDataException("the request ended early");
            }

            fields[i] = field;
        }

        var count = int.TryParse(fields[6], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new InvalidDataException("bad variable count");
        var variables = new string[count];
        for (var i = 0; i < count; i++)
        {
            variables[i] = ReadField(input) ?? throw new InvalidDataException("the request ended early");
        }

        return new LaunchRequest(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], variables);
    }

    private static string? ReadField(Stream input)
    {
        var bytes = new List<byte>(256);
        while (true)
        {
            var next = input.ReadByte();
            if (next < 0)
            {
                return null;
            }

            if (next == 0)
            {
                return Encoding.UTF8.GetString(bytes.ToArray());
            }

            bytes.Add((byte)next);
        }
    }
}
