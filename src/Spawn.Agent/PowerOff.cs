using System.ComponentModel;
using System.Diagnostics;

namespace Spawn.Agent;

/// <summary>
/// Powers the machine off with <c>systemctl poweroff</c>, found on PATH. On an instance launched with
/// <c>InstanceInitiatedShutdownBehavior=terminate</c> that ends the instance: a queue that has ended stops costing
/// money. A failure is reported in one line and changes nothing else; the exit code still says how the queue ended.
/// </summary>
internal sealed class PowerOff(TimeProvider clock, TextWriter errors)
{
    /// <summary>systemctl only queues the power-off and returns; a D-Bus that does not answer is not waited on for ever.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <param name="cancellationToken">Stops the wait (not the command): systemd stopping the agent as the machine goes down.</param>
    public async Task RequestAsync(CancellationToken cancellationToken)
    {
        using var patience = new CancellationTokenSource(Patience, clock);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(patience.Token, cancellationToken);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("systemctl") { ArgumentList = { "poweroff" }, UseShellExecute = false })
                ?? throw new Win32Exception("no process was started");
            await process.WaitForExitAsync(waiting.Token).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                await errors.WriteLineAsync($"spored: error: systemctl poweroff failed (exit status {process.ExitCode}); the machine stays on").ConfigureAwait(false);
            }
        }
        catch (Win32Exception e)
        {
            await errors.WriteLineAsync($"spored: error: could not run systemctl poweroff ({e.Message}); the machine stays on").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (patience.IsCancellationRequested)
        {
            await errors.WriteLineAsync($"spored: error: systemctl poweroff did not return within {Patience.TotalSeconds:0} s; the machine may stay on").ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped by a signal: the machine is going down, as asked.
        }
    }
}
