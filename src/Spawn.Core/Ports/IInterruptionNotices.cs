namespace Spawn.Core.Ports;

/// <summary>
/// Where notices that the machine is about to be taken away come from (for the agent on a spot instance, the
/// instance metadata service). A source with nothing to watch (not a spot instance) simply never completes.
/// </summary>
public interface IInterruptionNotices
{
    /// <summary>Completes when a notice is seen; a look that fails is not an error (the source looks again). Only cancellation ends it otherwise.</summary>
    Task<InterruptionNotice> WaitAsync(CancellationToken cancellationToken);
}
