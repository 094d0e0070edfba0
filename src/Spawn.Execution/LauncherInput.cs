using System.Runtime.InteropServices;
using System.Text;

namespace Spawn.Execution;

/// <summary>
/// The launcher's stdin, read in blocks and parsed into <see cref="LauncherMessage"/>s, and the questions the launcher
/// asks without waiting: is anything there to read (<see cref="HasWaiting"/>), and may an attempt asked for after
/// another start (<see cref="MayStart"/>).
/// </summary>
internal sealed unsafe class LauncherInput(int fd)
{
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;
    private LauncherMessage? _kept;

    /// <summary>The next message, waiting for it; null at the end of the input (the agent closed it, or died).</summary>
    /// <exception cref="InvalidDataException">The input ended inside a message, or holds one the launcher does not know.</exception>
    public LauncherMessage? Next()
    {
        if (_kept is { } kept)
        {
            _kept = null;
            return kept;
        }

        return Field() is not { } tag ? null : tag switch
        {
            LauncherMessage.StartTag => LaunchRequest.Read(Field, after: null),
            LauncherMessage.StartAfterTag => LaunchRequest.Read(Field, after: RequiredField()),
            LauncherMessage.WithdrawTag => new Withdrawal(RequiredField()),
            _ => throw new InvalidDataException($"unknown message \"{tag}\""),
        };
    }

    /// <summary>
    /// Whether an attempt asked for "after" the one just reaped may start: no withdrawal of it has arrived, and the
    /// agent still holds the input's other end. One <c>poll</c> answers both: a withdrawal is written before the
    /// agent signals the attempt it follows, so if there was one, it was in the pipe before that attempt was reaped.
    /// Stale withdrawals on the way are dropped; any other message is kept for <see cref="Next"/>.
    /// </summary>
    public bool MayStart(string attemptName)
    {
        var events = Poll();
        var waiting = _kept is not null || _start < _end || (events & Libc.POLLIN) != 0;
        while (waiting)
        {
            switch (Next())
            {
                case Withdrawal withdrawal when withdrawal.AttemptName == attemptName:
                    return false;
                case Withdrawal:
                    // What the one read took in; nothing that arrives later can be this attempt's withdrawal.
                    waiting = _kept is not null || _start < _end;
                    continue;
                case { } other:
                    _kept = other;
                    waiting = false;
                    break;
                case null:
                    return false;
            }
        }

        return (events & Libc.POLLHUP) == 0;
    }

    /// <summary>Whether the agent still holds the input's other end (no POLLHUP), even with requests still buffered.</summary>
    public bool AgentPresent() => (Poll() & Libc.POLLHUP) == 0;

    /// <summary>Whether a message (or the end of the input) can be read without waiting.</summary>
    public bool HasWaiting() => _kept is not null || _start < _end || (Poll() & (Libc.POLLIN | Libc.POLLHUP)) != 0;

    private short Poll()
    {
        var entry = new Libc.PollFd { Fd = fd, Events = Libc.POLLIN };
        return Libc.poll(&entry, 1, 0) > 0 ? entry.ReturnedEvents : (short)0;
    }

    private string RequiredField() => Field() ?? throw new InvalidDataException("the message ended early");

    /// <summary>The next NUL-terminated field, or null at the end of the input.</summary>
    private string? Field()
    {
        while (true)
        {
            var nul = Array.IndexOf(_buffer, (byte)0, _start, _end - _start);
            if (nul >= 0)
            {
                var field = Encoding.UTF8.GetString(_buffer, _start, nul - _start);
                _start = nul + 1;
                return field;
            }

            if (!Fill())
            {
                return null;
            }
        }
    }

    private bool Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            // A request with a large environment.
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        while (true)
        {
            nint read;
            fixed (byte* pointer = _buffer)
            {
                read = Libc.read(fd, pointer + _end, _buffer.Length - _end);
            }

            if (read < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR)
            {
                continue;
            }

            if (read <= 0)
            {
                return false;
            }

            _end += (int)read;
            return true;
        }
    }
}
