using System.Text;
using System.Text.Json;
using Spawn.Core.Scheduling;
using Spawn.Core.State;
using Spawn.Core.Tests.Scheduling;

namespace Spawn.Core.Tests.State;

/// <summary>The state's optional <c>instance_id</c>, <c>region</c> and <c>instance_type</c>: written by the agent on EC2.</summary>
public sealed class InstanceFieldsTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 22, 14, 5, 30, TimeSpan.Zero);

    private static QueueState Sample(InstanceIdentity? instance) =>
        new("q1", "q1", QueueStatus.Running, At, At, [JobState.NotStarted("a")], Instance: instance);

    [Fact]
    public void The_instance_fields_are_top_level_and_read_back_the_same()
    {
        var state = Sample(new InstanceIdentity("i-0123456789abcdef0", "eu-west-1", "g5.xlarge"));

        var bytes = QueueStateJson.Serialize(state);

        using var json = JsonDocument.Parse(bytes);
        Assert.Equal("i-0123456789abcdef0", json.RootElement.GetProperty("instance_id").GetString());
        Assert.Equal("eu-west-1", json.RootElement.GetProperty("region").GetString());
        Assert.Equal("g5.xlarge", json.RootElement.GetProperty("instance_type").GetString());
        var back = QueueStateJson.Deserialize(bytes);
        Assert.Equal(state.Instance, back.Instance);
        Assert.Equal(state with { Jobs = [] }, back with { Jobs = [] });
    }

    [Fact]
    public void A_local_run_writes_none_of_them_so_the_file_is_what_it_was_before()
    {
        var text = Encoding.UTF8.GetString(QueueStateJson.Serialize(Sample(instance: null)));

        Assert.DoesNotContain("instance_id", text);
        Assert.DoesNotContain("region", text);
        Assert.DoesNotContain("instance_type", text);
        Assert.Null(QueueStateJson.Deserialize(Encoding.UTF8.GetBytes(text)).Instance);
    }

    [Fact]
    public void An_instance_without_region_or_type_keeps_just_its_id()
    {
        var back = QueueStateJson.Deserialize("""{"queue_id": "q1", "status": "running", "instance_id": "i-1", "jobs": []}"""u8);

        Assert.Equal(new InstanceIdentity("i-1", null, null), back.Instance);
    }

    [Fact]
    public void A_resumed_state_keeps_its_instance_until_the_agent_names_the_one_it_runs_on_now()
    {
        var queue = Queues.Of(Queues.Job("a"));
        var before = new InstanceIdentity("i-before", "us-east-1", "t3.micro");
        var resumed = new QueueScheduler(queue, Sample(before), At, () => 0.5);

        Assert.Equal(before, resumed.Snapshot().Instance);

        var now = new InstanceIdentity("i-now", "us-east-1", "t3.large");
        resumed.Apply(new SchedulerEvent.InstanceIdentified(now, At.AddMinutes(1)));

        Assert.Equal(now, resumed.Snapshot().Instance);
        Assert.Equal(At.AddMinutes(1), resumed.Snapshot().UpdatedAt);
    }
}
