using Spawn.Core.State;

namespace Spawn.Core.Ports;

/// <summary>Where the queue's state lives. One owner (the runner) writes it.</summary>
public interface IStateStore
{
    /// <summary>Human-readable location, e.g. the state file's path.</summary>
    string Location { get; }

    /// <summary>The saved state, or null when there is none. Throws <see cref="StateStoreException"/> when it cannot be read.</summary>
    Task<QueueState?> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="state"/> durable before returning: after a crash, Load returns it or a later one.</summary>
    Task SaveAsync(QueueState state, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="state"/> visible at once and durable with the next <see cref="SaveAsync"/>: an agent's
    /// crash keeps it (it is in the kernel's hands), only the machine's crash before the next save may lose it.
    /// For facts whose loss in a machine crash is safe (docs/resume.md says which and why), so that a job waits for
    /// the disk less often.
    /// </summary>
    Task RecordAsync(QueueState state, CancellationToken cancellationToken) => SaveAsync(state, cancellationToken);

    /// <summary>
    /// Makes what <see cref="RecordAsync"/> wrote durable, writing nothing new. May run on another thread while the
    /// runner records more; what it records meanwhile may or may not be covered. Nothing to do where every record is
    /// a save.
    /// </summary>
    Task MakeDurableAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
