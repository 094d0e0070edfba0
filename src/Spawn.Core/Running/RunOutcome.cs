using Spawn.Core.Ports;
using Spawn.Core.State;

namespace Spawn.Core.Running;

/// <summary>How a run ended. <see cref="Interrupted"/>: stopped by a signal (or, with <see cref="Notice"/>, by a spot
/// interruption notice) before the queue finished; run it again to resume.</summary>
public sealed record RunOutcome(QueueState State, bool Interrupted, InterruptionNotice? Notice = null)
{
    /// <summary>The process exit code DESIGN.md gives: 0 completed, 1 failed; interruptions are mapped by the caller (130/143).</summary>
    public int ExitCode => State.Status == QueueStatus.Completed ? 0 : 1;
}
