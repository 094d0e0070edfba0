using Spawn.Core.Model;
using Spawn.Core.Scheduling;

namespace Spawn.Core.Tests.Scheduling;

public sealed class GpuEnvironmentTests
{
    private static JobDefinition Job(int? gpus, params (string Name, string Value)[] env) =>
        Queues.Job("train") with { Gpus = gpus, Env = env.ToDictionary(e => e.Name, e => e.Value) };

    [Fact]
    public void A_gpu_job_sees_exactly_its_own_devices()
    {
        var env = GpuEnvironment.For(Job(2), new SlotAllocation("train", 0, ["1", "2"]));

        Assert.Equal("1,2", env["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal("1,2", env["NVIDIA_VISIBLE_DEVICES"]);
    }

    [Fact]
    public void A_job_that_says_gpus_zero_sees_no_device()
    {
        var env = GpuEnvironment.For(Job(0), new SlotAllocation("train", 0, []));

        Assert.Equal("", env["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal("none", env["NVIDIA_VISIBLE_DEVICES"]);
    }

    [Fact]
    public void A_job_that_declares_no_gpus_keeps_its_environment()
    {
        Assert.Empty(GpuEnvironment.For(Job(null), new SlotAllocation("train", 0, [])));
    }

    [Fact]
    public void A_variable_the_jobs_env_sets_is_left_to_it()
    {
        var env = GpuEnvironment.For(Job(1, ("CUDA_VISIBLE_DEVICES", "3")), new SlotAllocation("train", 0, ["0"]));

        Assert.False(env.ContainsKey("CUDA_VISIBLE_DEVICES"));
        Assert.Equal("0", env["NVIDIA_VISIBLE_DEVICES"]);
    }

    [Fact]
    public void An_allocation_of_another_size_is_refused()
    {
        Assert.Throws<ArgumentException>(() => GpuEnvironment.For(Job(2), new SlotAllocation("train", 0, ["0"])));
    }
}
