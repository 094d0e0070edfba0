namespace Spawn.Core.Scheduling;

/// <summary>
/// The slots one running job holds, from <see cref="SlotPool.TryTake"/> until it is given back with
/// <see cref="SlotPool.Release"/>. <paramref name="GpuIds"/> are the job's own devices, in the order to list them.
/// </summary>
public sealed record SlotAllocation(string JobId, int Cpus, IReadOnlyList<string> GpuIds);
