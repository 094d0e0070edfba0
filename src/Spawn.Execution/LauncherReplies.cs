using System.Text;

namespace Spawn.Execution;

/// <summary>
/// The launcher's answers on its stdout, one line each. An attempt's exit (<c>x</c>) is held back while the next
/// request is already waiting, and goes out with the answer to that one: along a chain the agent then wakes once,
/// after the next command started, instead of twice, the first time just as it starts.
/// </summary>
internal sealed class LauncherReplies(Stream output)
{
    private string? _held;

    public void Hold(string line) => _held = line;

    public void Send(string line)
    {
        Write(_held is null ? line + "\n" : _held + "\n" + line + "\n");
        _held = null;
    }

    /// <summary>Sends a held line: the agent may be waiting for it before it asks for anything else.</summary>
    public void Flush()
    {
        if (_held is { } held)
        {
            _held = null;
            Write(held + "\n");
        }
    }

    private void Write(string text)
    {
        try
        {
            output.Write(Encoding.UTF8.GetBytes(text));
        }
        catch (IOException)
        {
            // The agent is gone; the record file is what its successor reads.
        }
    }
}
