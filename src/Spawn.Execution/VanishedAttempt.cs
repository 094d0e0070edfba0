using Spawn.Core.Ports;

namespace Spawn.Execution;

/// <summary>
/// An attempt that was started and ended with nothing recorded: its launcher was killed in the instant between the
/// spawn and the pid's record, and the attempt was gone before the agent looked for it. It reports 137 (SIGKILL),
/// as an attempt that vanished with its launcher does (<see cref="RunningJob"/>), and there is nothing to stop.
/// </summary>
internal sealed class VanishedAttempt : IRunningJob
{
    private const int SigKillExitCode = 128 + ProcessGroup.SIGKILL;

    public int Pid => 0;

    public ulong StartTime => 0;

    public Task<int> WaitForExitAsync(CancellationToken cancellationToken) => Task.FromResult(SigKillExitCode);

    public Task TerminateAsync(TimeSpan grace, CancellationToken skipGrace) => Task.CompletedTask;

    public Task StopLeftoversAsync(TimeSpan grace, CancellationToken skipGrace) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
