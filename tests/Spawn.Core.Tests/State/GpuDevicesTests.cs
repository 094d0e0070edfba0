using System.Text.Json;
using Spawn.Core.Scheduling;
using Spawn.Core.State;
using static Spawn.Core.Tests.Scheduling.Queues;

namespace Spawn.Core.Tests.State;

/// <summary>A running attempt's GPUs are in the state while it runs, so that an agent that adopts it keeps them its own.</summary>
public sealed class GpuDevicesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_devices_are_recorded_at_the_start_and_cleared_at_the_end()
    {
        var scheduler = new QueueScheduler(Of(Job("train")), saved: null, T0, () => 0.5, maxConcurrency: 2);

        scheduler.Apply(new SchedulerEvent.Started("train", 1, T0, ["2", "3"]));
        var running = scheduler.Job("train").GpuDevices;
        scheduler.Apply(new SchedulerEvent.Exited("train", 0, null, T0.AddSeconds(1)));

        Assert.Equal(["2", "3"], running);
        Assert.Null(scheduler.Job("train").GpuDevices);
    }

    [Fact]
    public void They_survive_the_state_file_as_one_field_left_out_when_there_are_none()
    {
        QueueState With(IReadOnlyList<string>? gpus) => new("q", "q", QueueStatus.Running, T0, T0, [new JobState("a", JobStatus.Running, 1, T0, Pid: 42, GpuDevices: gpus)]);

        var loaded = QueueStateJson.Deserialize(QueueStateJson.Serialize(With(["1"])));
        var job = JsonDocument.Parse(QueueStateJson.Serialize(With(["1"]))).RootElement.GetProperty("jobs")[0];

        Assert.Equal(["1"], loaded.Jobs[0].GpuDevices);
        Assert.Equal(["1"], job.GetProperty("gpu_devices").EnumerateArray().Select(d => d.GetString()));
        Assert.DoesNotContain("gpu_devices", System.Text.Encoding.UTF8.GetString(QueueStateJson.Serialize(With(null))), StringComparison.Ordinal);
    }
}
