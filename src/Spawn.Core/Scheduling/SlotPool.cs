using Spawn.Core.Model;

namespace Spawn.Core.Scheduling;

/// <summary>
/// The slots of one machine while a queue runs: at most <see cref="MaxParallel"/> jobs at once, and no more CPUs and
/// GPUs held than the machine has. A job that declares <c>cpus</c> / <c>gpus</c> holds that many; one that declares
/// neither holds only its place in <see cref="MaxParallel"/>. GPUs go to one job at a time, lowest first, so two
/// running jobs never share a device. No I/O and no locking: the runner is its one owner.
/// </summary>
public sealed class SlotPool
{
    private readonly MachineCapacity _machine;
    private readonly bool[] _gpuTaken;
    private readonly HashSet<SlotAllocation> _held = new(ReferenceEqualityComparer.Instance);

    /// <param name="maxParallel">Jobs at once, already resolved (<see cref="ParallelLimit.Resolve"/>): at least 1.</param>
    public SlotPool(MachineCapacity machine, int maxParallel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallel, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(machine.Cpus, 1);
        _machine = machine;
        _gpuTaken = new bool[machine.GpuCount];
        MaxParallel = maxParallel;
        FreeCpus = machine.Cpus;
        FreeGpus = machine.GpuCount;
    }

    public int MaxParallel { get; }

    /// <summary>Jobs holding slots now.</summary>
    public int Running => _held.Count;

    public int FreeCpus { get; private set; }

    public int FreeGpus { get; private set; }

    /// <summary>
    /// Whether the job fits the empty machine. One that does not would wait forever: <c>MachineFit</c> refuses such a
    /// queue before anything runs, so <see cref="TryTake"/> treats it as a bug rather than waiting.
    /// </summary>
    public bool CanEverRun(JobDefinition job) => (job.Cpus ?? 0) <= _machine.Cpus && (job.Gpus ?? 0) <= _machine.GpuCount;

    /// <summary>
    /// The job's slots, taken now; null when they are not all free at the moment (nothing is taken then), so the job
    /// waits for a <see cref="Release"/>.
    /// </summary>
    public SlotAllocation? TryTake(JobDefinition job)
    {
        if (!CanEverRun(job))
        {
            throw new InvalidOperationException(
                $"job \"{job.JobId}\" asks for {job.Cpus ?? 0} CPUs and {job.Gpus ?? 0} GPUs; the machine has {_machine.Cpus} and {_machine.GpuCount} "
                + "(the queue should have been refused before it ran)");
        }

        var cpus = job.Cpus ?? 0;
        var gpus = job.Gpus ?? 0;
        if (_held.Count >= MaxParallel || cpus > FreeCpus || gpus > FreeGpus)
        {
            return null;
        }

        var ids = new List<string>(gpus);
        TakeLowestFreeGpus(ids, gpus);
        var allocation = new SlotAllocation(job.JobId, cpus, ids);
        _held.Add(allocation);
        FreeCpus -= cpus;
        FreeGpus -= gpus;
        return allocation;
    }

    /// <summary>
    /// The slots of a job an earlier agent started and this one adopts: it runs whatever is free, so they are taken
    /// even beyond <see cref="MaxParallel"/> or the free CPUs (new jobs wait until enough is given back). It keeps the
    /// GPUs it was given (<paramref name="recordedGpus"/>, from the state) so that no other job gets them; any it is
    /// missing (a state from before they were recorded) are the lowest free ones, as for a new start.
    /// </summary>
    public SlotAllocation Adopt(JobDefinition job, IReadOnlyList<string>? recordedGpus)
    {
        var ids = new List<string>();
        foreach (var id in recordedGpus ?? [])
        {
            if (IndexOfGpuOrNone(id) is { } i && !_gpuTaken[i])
            {
                _gpuTaken[i] = true;
                ids.Add(id);
            }
        }

        TakeLowestFreeGpus(ids, job.Gpus ?? 0);
        var allocation = new SlotAllocation(job.JobId, job.Cpus ?? 0, ids);
        _held.Add(allocation);
        FreeCpus -= allocation.Cpus;
        FreeGpus -= ids.Count;
        return allocation;
    }

    /// <summary>Gives a finished job's slots back. Each allocation exactly once: a second release is a bug, not a no-op.</summary>
    public void Release(SlotAllocation allocation)
    {
        if (!_held.Remove(allocation))
        {
            throw new InvalidOperationException($"the slots of job \"{allocation.JobId}\" are not held (released twice, or taken from another pool)");
        }

        foreach (var id in allocation.GpuIds)
        {
            _gpuTaken[IndexOfGpu(id)] = false;
        }

        FreeCpus += allocation.Cpus;
        FreeGpus += allocation.GpuIds.Count;
    }

    /// <summary>Adds the lowest free GPUs to <paramref name="ids"/> until it holds <paramref name="count"/>.</summary>
    private void TakeLowestFreeGpus(List<string> ids, int count)
    {
        for (var i = 0; i < _gpuTaken.Length && ids.Count < count; i++)
        {
            if (!_gpuTaken[i])
            {
                _gpuTaken[i] = true;
                ids.Add(_machine.Gpus[i]);
            }
        }
    }

    private int IndexOfGpu(string id) =>
        IndexOfGpuOrNone(id) ?? throw new InvalidOperationException($"GPU \"{id}\" is not one of this machine's");

    private int? IndexOfGpuOrNone(string id)
    {
        for (var i = 0; i < _machine.GpuCount; i++)
        {
            if (string.Equals(_machine.Gpus[i], id, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return null;
    }
}
