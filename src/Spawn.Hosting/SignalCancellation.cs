using System.Runtime.InteropServices;

namespace Spawn.Hosting;

/// <summary>
/// Turns SIGINT and SIGTERM into a cancellation of the run (instead of the runtime's immediate exit), so the running
/// job's group is stopped cleanly and the state saved. Remembers which signal came, for the exit code (130 or 143).
/// </summary>
public sealed class SignalCancellation : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signal;

    public SignalCancellation()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
        ];
    }

    public CancellationToken Token => _source.Token;

    /// <summary>Whether SIGINT or SIGTERM came, even if the run had ended by then.</summary>
    public bool Received => Volatile.Read(ref _signal) != 0;

    /// <summary>128 + the signal's number: 130 for SIGINT, 143 for SIGTERM.</summary>
    public int ExitCode => _signal == 0 ? 130 : 128 + _signal;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _source.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        Interlocked.CompareExchange(ref _signal, context.Signal == PosixSignal.SIGINT ? 2 : 15, 0);
        _source.Cancel();
    }
}
