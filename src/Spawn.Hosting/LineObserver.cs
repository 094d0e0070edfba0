using Spawn.Core.Running;
using Spawn.Core.State;

namespace Spawn.Hosting;

/// <summary>One plain line per event (for pipes, log files and journald): <c>2026-01-22T14:05:35.000Z train started …</c>.</summary>
public sealed class LineObserver(TextWriter output) : IRunObserver
{
    public void Notify(RunEvent runEvent)
    {
        output.WriteLine($"{QueueStateJson.FormatTime(runEvent.At)} {runEvent.Message}");
        output.Flush();
    }
}
