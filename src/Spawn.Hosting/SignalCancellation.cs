using System.Runtime.InteropServices;

namespace Spawn.Hosting;

/// <summary>
/// Turns SIGINT, SIGTERM and SIGHUP into a cancellation of the run (instead of the runtime's immediate exit), so the
/// running job's processes are stopped cleanly and the state saved: a closed terminal (SIGHUP) never leaves a job
/// running with nobody watching its timeout. A second signal cuts the kill grace short (<see cref="SkipGrace"/>).
/// Remembers which signal came first, for the exit code (130, 143 or 129).
/// </summary>
public sealed class SignalCancellation : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly CancellationTokenSource _skipGrace = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly TextWriter? _notices;
    private int _signal;

    /// <param name="notices">Where the first signal's notice goes (the user's terminal); null to say nothing.</param>
    public SignalCancellation(TextWriter? notices = null)
    {
        _notices = notices;
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, Handle),
        ];
    }

    public CancellationToken Token => _source.Token;

    /// <summary>Cancelled by a second signal: stopping jobs sends SIGKILL at once instead of waiting out kill_grace.</summary>
    public CancellationToken SkipGrace => _skipGrace.Token;

    /// <summary>Whether a signal came, even if the run had ended by then.</summary>
    public bool Received => Volatile.Read(ref _signal) != 0;

    /// <summary>128 + the first signal's number: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP.</summary>
    public int ExitCode => _signal == 0 ? 130 : 128 + _signal;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _source.Dispose();
        _skipGrace.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.CompareExchange(ref _signal, Number(context.Signal), 0) == 0)
        {
            Notice("stopping: the running job gets SIGTERM, then SIGKILL after its kill_grace; the state is saved and the queue resumes "
                + "when run again. Press Ctrl-C again to kill the job at once.");
            _source.Cancel();
        }
        else
        {
            Notice("second signal: killing the running job now (SIGKILL)");
            _skipGrace.Cancel();
        }
    }

    private void Notice(string line)
    {
        try
        {
            _notices?.WriteLine(line);
        }
        catch (IOException)
        {
            // The terminal is gone (SIGHUP): the stop goes on without the notice.
        }
    }

    private static int Number(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGINT => 2,
        PosixSignal.SIGHUP => 1,
        _ => 15,
    };
}
