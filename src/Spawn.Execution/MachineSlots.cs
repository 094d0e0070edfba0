using System.Globalization;
using Spawn.Core.Scheduling;

namespace Spawn.Execution;

/// <summary>What was found, and where the GPUs came from, for the one line a run prints about it.</summary>
public sealed record FoundMachine(MachineCapacity Capacity, string GpuSource);

/// <summary>
/// The CPUs and GPUs of the machine the agent runs on: the slots jobs' <c>cpus</c> and <c>gpus</c> are counted against.
/// GPUs come from the NVIDIA driver (<c>/proc/driver/nvidia/gpus</c>, else <c>nvidia-smi -L</c>), else there are
/// none; <c>--gpus N</c> / <c>--cpus N</c> say it for a machine whose devices the agent cannot see.
/// </summary>
public static class MachineSlots
{
    /// <param name="lookForGpus">False when no job asks for a GPU: then none are looked for, and no <c>nvidia-smi</c>
    /// (which can take a second on a GPU machine) is started for a queue that cannot use its answer.</param>
    public static FoundMachine Find(MachineProbe probe, int? cpus = null, int? gpus = null, bool lookForGpus = true)
    {
        var cpuCount = cpus ?? Math.Max(1, probe.ProcessorCount);
        if (gpus is { } given)
        {
            return new FoundMachine(MachineCapacity.Of(cpuCount, given), "--gpus");
        }

        if (!lookForGpus)
        {
            return new FoundMachine(MachineCapacity.Of(cpuCount, 0), "not looked for: no job asks for one");
        }

        var (count, source) = CountGpus(probe);
        if (probe.CudaVisibleDevices is not { } visible)
        {
            return new FoundMachine(MachineCapacity.Of(cpuCount, count), source);
        }

        // The agent itself was given some of the GPUs: its jobs share those, by the names CUDA knows them by.
        var ids = Visible(visible, count);
        return new FoundMachine(new MachineCapacity(cpuCount, ids), $"{source}, limited by CUDA_VISIBLE_DEVICES={visible}");
    }

    /// <summary>Counts GPUs from the driver's /proc directory, else from <c>nvidia-smi -L</c> (one <c>GPU n: …</c> line each).</summary>
    public static (int Count, string Source) CountGpus(MachineProbe probe)
    {
        if (Directory.Exists(probe.NvidiaProcDirectory))
        {
            var entries = Directory.GetFileSystemEntries(probe.NvidiaProcDirectory).Length;
            if (entries > 0)
            {
                return (entries, probe.NvidiaProcDirectory);
            }
        }

        if (probe.NvidiaSmiList() is { } list)
        {
            var gpus = list.Split('\n').Count(line => line.StartsWith("GPU ", StringComparison.Ordinal) && line.Contains(':', StringComparison.Ordinal));
            return (gpus, "nvidia-smi -L");
        }

        return (0, "no NVIDIA driver found");
    }

    /// <summary>
    /// The devices a <c>CUDA_VISIBLE_DEVICES</c> list leaves, read as CUDA reads it: indices below the count, or
    /// <c>GPU-</c>/<c>MIG-</c> UUIDs, up to the first entry that is neither (CUDA ignores the rest too).
    /// </summary>
    public static IReadOnlyList<string> Visible(string list, int count)
    {
        var ids = new List<string>();
        foreach (var raw in list.Split(','))
        {
            var entry = raw.Trim();
            var isIndex = int.TryParse(entry, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < count;
            var isUuid = count > 0 && (entry.StartsWith("GPU-", StringComparison.Ordinal) || entry.StartsWith("MIG-", StringComparison.Ordinal));
            if (!isIndex && !isUuid)
            {
                break;
            }

            var id = isIndex ? index.ToString(CultureInfo.InvariantCulture) : entry;
            if (!ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        return ids;
    }
}
