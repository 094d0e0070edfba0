using Spawn.Core.Model;

namespace Spawn.Core.Tests.Parsing;

/// <summary><c>max_parallel</c> on the queue, <c>cpus</c> and <c>gpus</c> on jobs: what is accepted, and every mistake at its place.</summary>
public sealed class SlotFieldTests
{
    private const string Job = """{"job_id": "a", "command": "x", "timeout": "1m"}""";

    private static string Queue(string maxParallel) => $$"""{"max_parallel": {{maxParallel}}, "jobs": [{{Job}}]}""";

    private static string WithJobField(string field) => $$"""{"jobs": [{"job_id": "train", "command": "x", "timeout": "1m", {{field}}}]}""";

    [Fact]
    public void A_queue_without_max_parallel_runs_one_job_at_a_time()
    {
        var queue = Parse.Valid($$"""{"jobs": [{{Job}}]}""");

        Assert.Equal(ParallelLimit.One, queue.MaxParallel);
        Assert.Equal(1, queue.MaxParallel.Resolve(machineCpus: 64));
    }

    [Fact]
    public void A_number_is_the_limit_whatever_the_machine()
    {
        var limit = Parse.Valid(Queue("3")).MaxParallel;

        Assert.Equal(3, limit.Count);
        Assert.Equal(3, limit.Resolve(machineCpus: 1));
        Assert.Equal("3", limit.ToString());
    }

    [Fact]
    public void Auto_is_the_machines_cpu_count_once_the_machine_is_known()
    {
        var limit = Parse.Valid(Queue("\"auto\"")).MaxParallel;

        Assert.True(limit.IsAuto);
        Assert.Equal(48, limit.Resolve(machineCpus: 48));
        Assert.Equal(1, limit.Resolve(machineCpus: 0));
        Assert.Equal("auto", limit.ToString());
    }

    [Fact]
    public void Null_max_parallel_counts_as_absent()
    {
        Assert.Equal(ParallelLimit.One, Parse.Valid(Queue("null")).MaxParallel);
    }

    [Fact]
    public void Cpus_and_gpus_are_read_and_absent_ones_stay_null()
    {
        var queue = Parse.Valid("""
            {"jobs": [
              {"job_id": "a", "command": "x", "timeout": "1m", "cpus": 4, "gpus": 2},
              {"job_id": "b", "command": "x", "timeout": "1m", "gpus": 0},
              {"job_id": "c", "command": "x", "timeout": "1m"}
            ]}
            """);

        Assert.Equal((4, 2), (queue.Jobs[0].Cpus, queue.Jobs[0].Gpus));
        Assert.Equal((null, 0), (queue.Jobs[1].Cpus, queue.Jobs[1].Gpus));
        Assert.Equal((null, null), (queue.Jobs[2].Cpus, queue.Jobs[2].Gpus));
    }

    [Fact]
    public void The_parse_result_knows_where_cpus_and_gpus_were_written()
    {
        var result = Parse.Text("""
            {"jobs": [
              {"job_id": "a", "command": "x", "timeout": "1m"},
              {"job_id": "b", "command": "x", "timeout": "1m",
               "cpus": 8, "gpus": 1}
            ]}
            """);

        Assert.Equal((4, 12), result.Positions.Of(1, "cpus"));
        Assert.Equal((4, 23), result.Positions.Of(1, "gpus"));
        Assert.Null(result.Positions.Of(0, "gpus"));
    }

    public static TheoryData<string, string> Mistakes() => new()
    {
        { Queue("0"), "1:18: max_parallel must be at least 1 (1 runs one job at a time), found 0" },
        { Queue("-2"), "1:18: max_parallel must be at least 1 (1 runs one job at a time), found -2" },
        { Queue("2.5"), "1:18: max_parallel must be a whole number, found 2.5" },
        { Queue("99999999999"), "1:18: max_parallel must be a whole number, found 99999999999" },
        { Queue("\"Auto\""), "1:18: max_parallel must be a whole number of at least 1 or \"auto\" (the machine's CPU count), found \"Auto\"; did you mean \"auto\"?" },
        { Queue("\"atuo\""), "1:18: max_parallel must be a whole number of at least 1 or \"auto\" (the machine's CPU count), found \"atuo\"; did you mean \"auto\"?" },
        { Queue("\"4\""), "1:18: max_parallel must be a whole number of at least 1 or \"auto\" (the machine's CPU count), found \"4\"; write the number without quotes: 4" },
        { Queue("\"all\""), "1:18: max_parallel must be a whole number of at least 1 or \"auto\" (the machine's CPU count), found \"all\"" },
        { Queue("true"), "1:18: max_parallel must be a whole number of at least 1 or \"auto\" (the machine's CPU count), found boolean" },
        { WithJobField("\"cpus\": 0"), "1:72: jobs[0] (\"train\").cpus must be at least 1 (CPU slots the job holds while it runs), found 0" },
        { WithJobField("\"gpus\": -1"), "1:72: jobs[0] (\"train\").gpus must be at least 0 (GPUs the job holds while it runs; 0 for none), found -1" },
        { WithJobField("\"gpus\": 1.5"), "1:72: jobs[0] (\"train\").gpus must be a whole number, found 1.5" },
        { WithJobField("\"cpus\": \"2\""), "1:72: jobs[0] (\"train\").cpus must be a whole number, found string" },
        { WithJobField("\"gpu\": 1"), "1:64: unknown field \"gpu\" in jobs[0] (\"train\"); did you mean \"gpus\"?" },
        { WithJobField("\"num_gpus\": 1"), "1:64: unknown field \"num_gpus\" in jobs[0] (\"train\"); did you mean \"gpus\"?" },
        { WithJobField("\"cores\": 1"), "1:64: unknown field \"cores\" in jobs[0] (\"train\"); did you mean \"cpus\"?" },
        { $$"""{"parallelism": 4, "jobs": [{{Job}}]}""", "1:2: unknown field \"parallelism\" in the queue; did you mean \"max_parallel\"?" },
        { $$"""{"max_paralel": 4, "jobs": [{{Job}}]}""", "1:2: unknown field \"max_paralel\" in the queue; did you mean \"max_parallel\"?" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_bad_value_is_one_error_at_its_place(string json, string expected)
    {
        Assert.Equal([expected], Parse.Errors(json));
    }

    [Fact]
    public void The_parallel_ensemble_example_trains_its_three_models_side_by_side_on_a_gpu_each()
    {
        var queue = Parse.Valid(File.ReadAllText(Parse.RepositoryFile("examples", "ensemble-queue.json")));

        Assert.Equal(3, queue.MaxParallel.Count);
        Assert.Equal(["train_resnet", "train_efficientnet", "train_vit"], queue.Jobs.Where(j => j.Gpus == 1).Select(j => j.JobId));
        Assert.All(queue.Jobs.Where(j => j.Gpus is null), j => Assert.Null(j.Cpus));
    }
}
