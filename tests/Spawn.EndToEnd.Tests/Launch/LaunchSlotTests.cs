using Spawn.Tests.Shared;

namespace Spawn.EndToEnd.Tests.Launch;

/// <summary>
/// <c>spawn launch</c> and parallel slots, against moto, whose DescribeInstanceTypes has the real GpuInfo (g5.12xlarge:
/// 48 vCPUs, 4 GPUs; t3.medium: 2 vCPUs, none): a job bigger than the type creates nothing; one that fits reaches
/// the instance with --gpus in the agent's ExecStart and --parallel in the queue copy.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class LaunchSlotTests(MotoServer moto) : IAsyncLifetime
{
    private readonly LaunchWorkspace launch = new(moto);

    public Task InitializeAsync() => launch.PrepareAccountAsync();

    public Task DisposeAsync()
    {
        launch.Dispose();
        return Task.CompletedTask;
    }

    private string GpuQueue(int gpus, int cpus = 1) => launch.Files.WriteQueue($$"""
        {
          "queue_id": "gpu-q", "result_s3_bucket": "{{LaunchWorkspace.Bucket}}",
          "jobs": [
            { "job_id": "train", "command": "true", "timeout": "5m", "gpus": {{gpus}}, "cpus": {{cpus}} }
          ]
        }
        """);

    [Fact]
    public async Task A_gpu_job_on_a_type_without_gpus_is_refused_at_its_field_and_nothing_is_created()
    {
        var queue = GpuQueue(gpus: 1);

        var result = await launch.LaunchAsync(queue, "t3.medium");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(
            $"{queue}:4:70: error: jobs[0] (\"train\").gpus: the job asks for 1 GPU, instance type t3.medium has no GPU (choose a GPU instance type, e.g. g5.xlarge (1 GPU) or g5.12xlarge (4))",
            result.Stderr.Trim());
        Assert.Equal(0, await launch.InstanceCountAsync());
        Assert.Empty(await launch.KeysAsync());
    }

    [Fact]
    public async Task More_gpus_or_vcpus_than_the_type_has_is_each_refused()
    {
        var queue = GpuQueue(gpus: 8, cpus: 64);

        var result = await launch.LaunchAsync(queue, "g5.12xlarge");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("the job asks for 64 CPUs, instance type g5.12xlarge has 48 CPUs (choose an instance type with more vCPUs)", result.Stderr);
        Assert.Contains("the job asks for 8 GPUs, instance type g5.12xlarge has 4 GPUs (choose an instance type with more GPUs)", result.Stderr);
        Assert.Equal(0, await launch.InstanceCountAsync());
    }

    [Fact]
    public async Task A_queue_that_fits_goes_with_gpus_for_the_agent_and_parallel_in_its_copy()
    {
        var queue = GpuQueue(gpus: 4);

        var result = await launch.LaunchAsync(queue, "g5.12xlarge", "--parallel", "3", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("no NVIDIA driver", result.Stderr);
        var userData = await launch.UserDataAsync(LaunchWorkspace.InstanceIdFrom(result));
        Assert.Contains("ExecStart=/usr/local/bin/spored run-queue /var/lib/spored/queue.json --gpus 4 --power-off", userData);
        Assert.Contains("\"max_parallel\": 3", await launch.ObjectAsync("queues/gpu-q/agent/queue.json"));
    }

    [Fact]
    public async Task Gpus_given_to_launch_win_over_the_instance_type()
    {
        var queue = GpuQueue(gpus: 2);
        var image = (await moto.AwsCliAsync("ssm", "get-parameter", "--name", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", "--query", "Parameter.Value", "--output", "text")).Trim();

        var result = await launch.LaunchAsync(queue, "t3.medium", "--gpus", "2", "--parallel", "auto", "--ami", image, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("no NVIDIA driver", result.Stderr);
        Assert.Contains("run-queue /var/lib/spored/queue.json --gpus 2 --power-off", await launch.UserDataAsync(LaunchWorkspace.InstanceIdFrom(result)));
        Assert.Contains("\"max_parallel\": \"auto\"", await launch.ObjectAsync("queues/gpu-q/agent/queue.json"));
    }

    [Fact]
    public async Task A_bad_parallel_flag_is_one_line_and_creates_nothing()
    {
        var result = await launch.LaunchAsync(GpuQueue(gpus: 0), "t3.medium", "--parallel", "0");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("error: --parallel must be a whole number of at least 1 or \"auto\" (the machine's CPU count), found \"0\"", result.Stderr.Trim());
        Assert.Equal(0, await launch.InstanceCountAsync());
    }
}
