using System.Text;
using Spawn.Aws.Launch;
using Spawn.Core.Parsing;

namespace Spawn.Aws.Tests.Launch;

/// <summary>What <c>spawn launch</c> tells the instance about slots: max_parallel in the copy, --gpus / --cpus for the agent.</summary>
public sealed class InstanceSlotTests
{
    private static readonly InstanceTypeInfo G5 = new("g5.12xlarge", "x86_64", VCpus: 48, Gpus: 4);
    private static readonly InstanceTypeInfo T3 = new("t3.medium", "x86_64", VCpus: 2, Gpus: 0);

    private static LaunchRequest Request(int? cpus = null, int? gpus = null) =>
        new("g5.12xlarge", "us-east-1", false, null, null, [], null, null, null, null, [], false, "/agents") { Cpus = cpus, Gpus = gpus };

    [Theory]
    [InlineData("3", "\"max_parallel\": 3")]
    [InlineData("auto", "\"max_parallel\": \"auto\"")]
    public void Parallel_is_written_into_the_copy_as_the_parser_reads_it(string parallel, string expected)
    {
        var original = """{"queue_id": "q", "result_s3_bucket": "b", "max_parallel": 1, "jobs": [{"job_id": "a", "command": "true", "timeout": "1m"}]}"""u8.ToArray();

        var copy = QueueCopy.With(original, "q", "b", parallel);

        Assert.Contains(expected, Encoding.UTF8.GetString(copy), StringComparison.Ordinal);
        var queue = QueueFileParser.Parse(copy, "q.json", TimeProvider.System).Queue!;
        Assert.Equal(parallel, queue.MaxParallel.ToString());
    }

    [Fact]
    public void Without_parallel_a_complete_file_is_sent_as_it_is()
    {
        var original = """{"queue_id": "q", "result_s3_bucket": "b", /* kept */ "jobs": [{"job_id": "a", "command": "true", "timeout": "1m"}]}"""u8.ToArray();

        Assert.Same(original, QueueCopy.With(original, "q", "b"));
    }

    [Fact]
    public void A_gpu_type_tells_the_agent_its_gpus_and_a_cpu_type_tells_it_nothing()
    {
        Assert.Equal(["--gpus", "4"], InstanceFit.AgentFlags(Request(), G5));
        Assert.Empty(InstanceFit.AgentFlags(Request(), T3));
    }

    [Fact]
    public void The_flags_win_over_the_type()
    {
        Assert.Equal(["--cpus", "8", "--gpus", "0"], InstanceFit.AgentFlags(Request(cpus: 8, gpus: 0), G5));
        Assert.Equal((8, 0), (InstanceFit.Target(Request(cpus: 8, gpus: 0), G5).Capacity.Cpus, InstanceFit.Target(Request(cpus: 8, gpus: 0), G5).Capacity.GpuCount));
    }

    [Fact]
    public void The_agents_flags_land_in_its_exec_start()
    {
        var unit = UserDataScript.Unit(powerOffWhenDone: true, agentFlags: ["--gpus", "4"]);

        Assert.Contains("ExecStart=/usr/local/bin/spored run-queue /var/lib/spored/queue.json --gpus 4 --power-off\n", unit, StringComparison.Ordinal);
    }
}
