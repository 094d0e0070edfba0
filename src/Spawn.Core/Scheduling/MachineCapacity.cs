namespace Spawn.Core.Scheduling;

/// <summary>
/// What a machine offers jobs: its CPUs and its GPUs. GPUs are named as <c>CUDA_VISIBLE_DEVICES</c> names them
/// (<c>"0"</c>, <c>"1"</c>, or a <c>GPU-…</c> UUID when the agent itself was limited to those), in the order they are
/// handed out.
/// </summary>
public sealed record MachineCapacity(int Cpus, IReadOnlyList<string> Gpus)
{
    /// <summary>A machine of <paramref name="cpus"/> CPUs and GPUs numbered 0 to <paramref name="gpus"/> − 1.</summary>
    public static MachineCapacity Of(int cpus, int gpus) =>
        new(cpus, [.. Enumerable.Range(0, gpus).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    public int GpuCount => Gpus.Count;
}
