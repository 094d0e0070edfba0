using Spawn.Core.Model;
using Spawn.Core.Scheduling;
using Spawn.Core.State;

namespace Spawn.Core.Tests.Scheduling;

/// <summary>Plays the runner's part against a scheduler with a hand-moved clock and scripted exit codes.</summary>
internal sealed class SchedulerDriver
{
    private readonly Dictionary<string, Queue<int>> _exitCodes = new();

    public SchedulerDriver(QueueDefinition queue, QueueState? saved = null)
    {
        Scheduler = new QueueScheduler(queue, saved, Now, () => 0.5);
        Scheduler.Begin(Now);
    }

    public QueueScheduler Scheduler { get; }

    public DateTimeOffset Now { get; private set; } = new(2026, 1, 22, 14, 5, 30, TimeSpan.Zero);

    public List<string> Started { get; } = [];

    public List<TimeSpan> Waits { get; } = [];

    /// <summary>The next attempts of <paramref name="jobId"/> exit with these codes (then 0).</summary>
    public SchedulerDriver Exits(string jobId, params int[] codes)
    {
        _exitCodes[jobId] = new Queue<int>(codes);
        return this;
    }

    /// <summary>Runs every decision until Finished; each attempt takes one second.</summary>
    public QueueState RunToEnd()
    {
        for (var steps = 0; steps < 10_000; steps++)
        {
            switch (Scheduler.Next(Now))
            {
                case SchedulerDecision.StartJob start:
                    Started.Add($"{start.JobId}#{start.Attempt}");
                    Scheduler.Apply(new SchedulerEvent.Started(start.JobId, start.Attempt, Now));
                    Now += TimeSpan.FromSeconds(1);
                    var code = _exitCodes.TryGetValue(start.JobId, out var codes) && codes.Count > 0 ? codes.Dequeue() : 0;
                    Scheduler.Apply(new SchedulerEvent.Exited(start.JobId, code, null, Now));
                    break;
                case SchedulerDecision.WaitUntil wait:
                    Waits.Add(wait.Until - Now);
                    Now = wait.Until;
                    break;
                case SchedulerDecision.Finished:
                    return Scheduler.Snapshot();
                default:
                    throw new InvalidOperationException("unexpected decision");
            }
        }

        throw new InvalidOperationException("scheduler did not finish");
    }
}
