using Spawn.Core.Ports;
using Spawn.Core.State;

namespace Spawn.Core.Running;

/// <summary>
/// What the machine adds to a run beyond running its jobs. The agent on EC2 learns which instance it is
/// (<see cref="Instance"/>: asked of the metadata service while the queue already runs, so that a machine where it
/// does not answer is not held up; null when it is not an instance), and can be told to cancel the queue from afar
/// (<see cref="CancelRequests"/>; null: only signals stop the run), and on a spot instance hears that EC2 is about to
/// take the machine away (<see cref="Notices"/>). A local run has none of these (<see cref="Local"/>).
/// <see cref="SkipGrace"/> is cancelled when the user asks for a stop without the kill grace (a second Ctrl-C).
/// <see cref="JobProcesses"/> says how the executor keeps each job's processes together, for the state.
/// </summary>
public sealed record RunHost(
    Task<InstanceIdentity?> Instance,
    ICancelRequests? CancelRequests = null,
    IInterruptionNotices? Notices = null,
    CancellationToken SkipGrace = default,
    string? JobProcesses = null)
{
    public static RunHost Local { get; } = new(Task.FromResult<InstanceIdentity?>(null));
}
