using Spawn.Core.Scheduling;
using Spawn.Core.Tests.Parsing;
using Spawn.Core.Validation;

namespace Spawn.Core.Tests.Validation;

public sealed class MachineFitTests
{
    private const string Queue = """
        {"jobs": [
          {"job_id": "prepare", "command": "x", "timeout": "1m", "cpus": 2},
          {"job_id": "train", "command": "x", "timeout": "1m",
           "cpus": 16, "gpus": 4},
          {"job_id": "plain", "command": "x", "timeout": "1m"}
        ]}
        """;

    private static IReadOnlyList<string> Check(string json, int cpus, int gpus, string gpuAdvice = "pass --gpus N")
    {
        var parsed = Parse.Text(json);
        var target = new FitTarget("this machine", MachineCapacity.Of(cpus, gpus), "", gpuAdvice);
        return MachineFit.Check(parsed.Queue!, parsed.Positions, target).Select(e => $"{e.Line}:{e.Column}: {e.Message}").ToList();
    }

    [Fact]
    public void A_queue_that_fits_has_no_errors()
    {
        Assert.Empty(Check(Queue, cpus: 16, gpus: 4));
    }

    [Fact]
    public void Each_job_that_asks_for_too_much_is_named_at_its_field()
    {
        Assert.Equal(
            [
                "4:12: jobs[1] (\"train\").cpus: the job asks for 16 CPUs, this machine has 2 CPUs",
                "4:24: jobs[1] (\"train\").gpus: the job asks for 4 GPUs, this machine has 1 GPU (pass --gpus N)",
            ],
            Check(Queue, cpus: 2, gpus: 1));
    }

    [Fact]
    public void A_machine_without_gpus_says_so()
    {
        Assert.Equal(
            ["4:24: jobs[1] (\"train\").gpus: the job asks for 4 GPUs, this machine has no GPU"],
            Check(Queue, cpus: 16, gpus: 0, gpuAdvice: ""));
    }

    [Fact]
    public void Gpus_zero_fits_a_machine_without_gpus()
    {
        Assert.Empty(Check("""{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "gpus": 0}]}""", cpus: 1, gpus: 0));
    }
}
