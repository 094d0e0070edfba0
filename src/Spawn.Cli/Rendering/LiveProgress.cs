using Spawn.Core.Running;
using Spawn.Core.State;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Spawn.Cli.Rendering;

/// <summary>
/// The terminal view of a running queue: a table of jobs (status, attempt, elapsed) and the running job's last
/// output line, redrawn on every event and twice a second. Event messages scroll above it.
/// </summary>
internal sealed class LiveProgress(IAnsiConsole console, Func<string, string> stdoutLogOf, TimeProvider clock) : IRunObserver
{
    private readonly Lock _gate = new();
    private QueueState? _state;

    public void Notify(RunEvent runEvent)
    {
        lock (_gate)
        {
            _state = runEvent.State;
        }
    }

    /// <summary>Runs <paramref name="run"/> while the live table is on screen.</summary>
    public async Task<int> ShowWhileAsync(Func<Task<int>> run)
    {
        var code = 0;
        await console.Live(Text.Empty).AutoClear(false).StartAsync(async context =>
        {
            var work = run();
            while (!work.IsCompleted)
            {
                context.UpdateTarget(Render());
                await Task.WhenAny(work, Task.Delay(TimeSpan.FromMilliseconds(500), clock)).ConfigureAwait(false);
            }

            context.UpdateTarget(Render());
            code = await work.ConfigureAwait(false);
        }).ConfigureAwait(false);
        return code;
    }

    private IRenderable Render()
    {
        QueueState? state;
        lock (_gate)
        {
            state = _state;
        }

        if (state is null)
        {
            return new Text("starting…");
        }

        var table = new Table().Border(TableBorder.Simple)
            .Title($"{Markup.Escape(state.QueueId)} — {StatusTable.Word(state.Status)}")
            .AddColumns("JOB ID", "STATUS", "ATTEMPT", "EXIT", "ELAPSED", "OUTPUT");
        var now = clock.GetUtcNow();
        foreach (var job in state.Jobs)
        {
            var elapsed = job.StartedAt is { } started ? ((job.CompletedAt ?? (job.Status == JobStatus.Running ? now : started)) - started) : (TimeSpan?)null;
            var output = job.Status == JobStatus.Running ? LastLine.Of(stdoutLogOf(job.JobId)) : job.ErrorMessage is { } error ? BoundedText.Shown(error) : "";
            table.AddRow(
                Markup.Escape(job.JobId),
                Colour(job.Status),
                job.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
                job.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                elapsed is { } e ? e.ToString(e.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", System.Globalization.CultureInfo.InvariantCulture) : "-",
                Markup.Escape(output.Length > 70 ? output[..69] + "…" : output));
        }

        return table;
    }

    private static string Colour(JobStatus status) => status switch
    {
        JobStatus.Completed => "[green]completed[/]",
        JobStatus.Running => "[blue]running[/]",
        JobStatus.Failed => "[red]failed[/]",
        JobStatus.Skipped => "[grey]skipped[/]",
        _ => "pending",
    };
}
