namespace Spawn.EndToEnd.Tests;

/// <summary>
/// The slot flags and the check against the machine, through both binaries: a job bigger than the machine stops the
/// run before anything runs (exit 2, at the job's field). This machine has no GPU, so <c>--gpus</c> stands in for one.
/// </summary>
public sealed class SlotCheckTests : IDisposable
{
    private const string GpuQueue = """
        {"queue_id": "gpu-check",
         "jobs": [{"job_id": "prepare", "timeout": "1m", "command": "echo ran > prepared.txt"},
                  {"job_id": "train", "timeout": "1m", "depends_on": ["prepare"],
                   "gpus": 2, "command": "echo trained"}]}
        """;

    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task A_job_asking_for_gpus_the_machine_lacks_is_exit_2_at_its_field_and_nothing_runs()
    {
        var queue = _ws.WriteQueue(GpuQueue);

        var run = await _ws.RunQueueAsync(queue);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal(
            $"{queue}:4:20: error: jobs[1] (\"train\").gpus: the job asks for 2 GPUs, this machine has no GPU (no NVIDIA driver found: pass --gpus N if it has GPUs spawn cannot see)",
            run.Stderr.Trim());
        Assert.False(File.Exists(_ws.StateFile), "a state file was written");
        Assert.False(File.Exists(Path.Combine(_ws.Work, "prepared.txt")), "a job ran");
    }

    [Fact]
    public async Task The_agent_refuses_the_same_way()
    {
        var queue = _ws.WriteQueue(GpuQueue);

        var run = await _ws.RunAsync(Binaries.Spored, ["run-queue", queue, "--state-file", _ws.StateFile, "--log-dir", _ws.LogDir, "--results-dir", _ws.ResultsDir, "--gpus", "1"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"{queue}:4:20: error: jobs[1] (\"train\").gpus: the job asks for 2 GPUs, this machine has 1 GPU (GPUs from --gpus;", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_ws.StateFile), "a state file was written");
    }

    [Fact]
    public async Task With_gpus_given_the_queue_runs()
    {
        var queue = _ws.WriteQueue(GpuQueue);

        var run = await _ws.RunQueueAsync(queue, "--gpus", "2", "--parallel", "auto");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("2 GPUs (--gpus)", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_cpus_is_refused_too()
    {
        var queue = _ws.WriteQueue("""{"jobs": [{"job_id": "big", "timeout": "1m", "cpus": 3, "command": "true"}]}""");

        var run = await _ws.RunQueueAsync(queue, "--cpus", "2");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(":1:54: error: jobs[0] (\"big\").cpus: the job asks for 3 CPUs, this machine has 2 CPUs", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--parallel", "0", "error: --parallel must be a whole number of at least 1 or \"auto\" (the machine's CPU count), found \"0\"")]
    [InlineData("--parallel", "many", "error: --parallel must be a whole number of at least 1 or \"auto\" (the machine's CPU count), found \"many\"")]
    [InlineData("--gpus", "-1", "error: --gpus must be 0 or more, found -1")]
    [InlineData("--cpus", "0", "error: --cpus must be at least 1, found 0")]
    public async Task A_bad_flag_value_is_one_line_and_exit_2(string flag, string value, string expected)
    {
        var queue = _ws.WriteQueue("""{"jobs": [{"job_id": "a", "timeout": "1m", "command": "echo ran > ran.txt"}]}""");

        var run = await _ws.RunQueueAsync(queue, flag, value);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal(expected, run.Stderr.Trim());
        Assert.False(File.Exists(Path.Combine(_ws.Work, "ran.txt")), "the job ran");
    }

    [Fact]
    public async Task Validate_says_how_many_jobs_run_at_once()
    {
        var result = await _ws.SpawnAsync("queue", "validate", Binaries.Example("ensemble-queue.json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("  at once         up to 3 jobs (max_parallel)\n", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_parallel_ensemble_example_runs_here_with_gpus_given()
    {
        var run = await _ws.RunQueueAsync(Binaries.Example("ensemble-queue.json"), "--gpus", "3");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("up to 3 jobs at once", run.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_ws.Work, "models", "ensemble.pt")), "the ensemble was not written");
    }
}
