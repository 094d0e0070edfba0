using System.Text;

namespace Spawn.Execution;

/// <summary>
/// What the agent writes to its launcher's stdin: NUL-terminated UTF-8 fields, the first a tag. NUL is the one byte
/// no path, command or variable can hold, so no field needs quoting.
/// <list type="bullet">
/// <item><c>s</c>: start an attempt at once (<see cref="LaunchRequest"/>).</item>
/// <item><c>a PREVIOUS</c>: start it only if the attempt the launcher waited for last was PREVIOUS, and it exited 0.</item>
/// <item><c>w NAME</c>: do not start NAME after all (<see cref="Withdrawal"/>); the agent sends it before it signals
/// the attempt NAME was to follow.</item>
/// </list>
/// </summary>
internal abstract record LauncherMessage
{
    public const string StartTag = "s";
    public const string StartAfterTag = "a";
    public const string WithdrawTag = "w";

    public byte[] Encode()
    {
        var message = new StringBuilder();
        foreach (var field in Fields())
        {
            if (field.Contains('\0', StringComparison.Ordinal))
            {
                throw new IOException("a command, path or variable holds a NUL character, which no process can receive");
            }

            message.Append(field).Append('\0');
        }

        return Encoding.UTF8.GetBytes(message.ToString());
    }

    protected abstract IEnumerable<string> Fields();
}

/// <summary>Tells the launcher not to start an attempt it was asked to start after another one.</summary>
internal sealed record Withdrawal(string AttemptName) : LauncherMessage
{
    protected override IEnumerable<string> Fields() => [WithdrawTag, AttemptName];
}
