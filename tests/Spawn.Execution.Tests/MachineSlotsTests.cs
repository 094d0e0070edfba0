using Spawn.Execution;

namespace Spawn.Execution.Tests;

/// <summary>Finding CPUs and GPUs, against a fake driver directory and a canned <c>nvidia-smi -L</c>: this machine has no GPU.</summary>
public sealed class MachineSlotsTests : IDisposable
{
    private const string FourGpus = """
        GPU 0: NVIDIA A10G (UUID: GPU-1a2b3c4d-0000-0000-0000-000000000000)
        GPU 1: NVIDIA A10G (UUID: GPU-1a2b3c4d-0000-0000-0000-000000000001)
          MIG 1g.5gb      Device  0: (UUID: MIG-00000000-0000-0000-0000-000000000000)
        GPU 2: NVIDIA A10G (UUID: GPU-1a2b3c4d-0000-0000-0000-000000000002)
        GPU 3: NVIDIA A10G (UUID: GPU-1a2b3c4d-0000-0000-0000-000000000003)

        """;

    private readonly string _proc = Directory.CreateTempSubdirectory("spawn-nvidia-").FullName;

    public void Dispose() => Directory.Delete(_proc, recursive: true);

    private MachineProbe Probe(string? smi = null, string? visible = null, int cpus = 8, string? directory = null) =>
        new(cpus, directory ?? _proc, () => smi, visible);

    [Fact]
    public void Each_entry_of_the_drivers_gpu_directory_is_a_gpu()
    {
        Directory.CreateDirectory(Path.Combine(_proc, "0000:00:1e.0"));
        Directory.CreateDirectory(Path.Combine(_proc, "0000:00:1f.0"));

        var found = MachineSlots.Find(Probe(smi: FourGpus));

        Assert.Equal(["0", "1"], found.Capacity.Gpus);
        Assert.Equal(_proc, found.GpuSource);
    }

    [Fact]
    public void Without_the_directory_nvidia_smi_counts_the_gpus_and_not_their_mig_devices()
    {
        var found = MachineSlots.Find(Probe(smi: FourGpus, directory: Path.Combine(_proc, "absent")));

        Assert.Equal(4, found.Capacity.GpuCount);
        Assert.Equal("nvidia-smi -L", found.GpuSource);
    }

    [Fact]
    public void An_empty_driver_directory_falls_through_to_nvidia_smi()
    {
        Assert.Equal(4, MachineSlots.Find(Probe(smi: FourGpus)).Capacity.GpuCount);
    }

    [Fact]
    public void No_driver_and_no_nvidia_smi_is_no_gpu()
    {
        var found = MachineSlots.Find(Probe());

        Assert.Empty(found.Capacity.Gpus);
        Assert.Equal(8, found.Capacity.Cpus);
        Assert.Equal("no NVIDIA driver found", found.GpuSource);
    }

    [Fact]
    public void Gpus_and_cpus_flags_win_over_what_is_found()
    {
        var found = MachineSlots.Find(Probe(smi: FourGpus, visible: "1"), cpus: 3, gpus: 2);

        Assert.Equal(MachineCapacityOf(3, "0", "1"), (found.Capacity.Cpus, string.Join(",", found.Capacity.Gpus)));
        Assert.Equal("--gpus", found.GpuSource);
    }

    [Fact]
    public void Gpus_are_not_looked_for_when_no_job_asks_for_one()
    {
        var asked = false;
        var found = MachineSlots.Find(new MachineProbe(8, _proc, () => { asked = true; return FourGpus; }, null), lookForGpus: false);

        Assert.False(asked, "nvidia-smi was run");
        Assert.Empty(found.Capacity.Gpus);
    }

    [Fact]
    public void Gpus_zero_says_the_machine_has_none()
    {
        Assert.Empty(MachineSlots.Find(Probe(smi: FourGpus), gpus: 0).Capacity.Gpus);
    }

    [Fact]
    public void An_agent_limited_by_cuda_visible_devices_shares_only_those_gpus()
    {
        var found = MachineSlots.Find(Probe(smi: FourGpus, visible: "2,3"));

        Assert.Equal(["2", "3"], found.Capacity.Gpus);
        Assert.Contains("CUDA_VISIBLE_DEVICES=2,3", found.GpuSource, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("1, 0", "1,0")]
    [InlineData("0,0,1", "0,1")]
    [InlineData("01", "1")]
    [InlineData("0,7,1", "0")]
    [InlineData("1,-1,2", "1")]
    [InlineData("GPU-abc,3", "GPU-abc,3")]
    public void Cuda_visible_devices_is_read_as_cuda_reads_it(string list, string expected)
    {
        Assert.Equal(expected, string.Join(",", MachineSlots.Visible(list, count: 4)));
    }

    [Fact]
    public void A_machine_reports_at_least_one_cpu()
    {
        Assert.Equal(1, MachineSlots.Find(Probe(cpus: 0)).Capacity.Cpus);
    }

    [Fact]
    public void This_machine_is_found_without_failing()
    {
        var found = MachineSlots.Find(MachineProbe.ThisMachine());

        Assert.Equal(Environment.ProcessorCount, found.Capacity.Cpus);
    }

    private static (int, string) MachineCapacityOf(int cpus, params string[] gpus) => (cpus, string.Join(",", gpus));
}
