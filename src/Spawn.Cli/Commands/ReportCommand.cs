using System.CommandLine;
using System.Diagnostics;
using Spawn.Cli.Report;
using Spawn.Core.Reporting;

namespace Spawn.Cli.Commands;

/// <summary>
/// <c>spawn queue report QUEUE_ID|INSTANCE_ID|STATE_FILE [--output FILE] [--open] [--queue FILE] [--price-per-hour P]</c>:
/// one self-contained HTML file with the run's timeline (a bar per attempt), its dependency graph and a summary, from
/// the state found the way <c>status</c> finds it (local, or the S3 mirror).
/// </summary>
internal static class ReportCommand
{
    public static Command Create(TimeProvider clock)
    {
        var target = new Argument<string>("queue") { Description = "A queue id (local, or mirrored in S3), an instance id (i-…) or a state file" };
        var output = new Option<string?>("--output", "-o") { Description = "The HTML file to write (default: {queue_id}-report.html here)" };
        var open = new Option<bool>("--open") { Description = "Open the report in the desktop's browser once written" };
        var queueFile = new Option<string?>("--queue") { Description = "The queue file, for the dependency graph (default: the one `spawn queue run` ran here)" };
        var price = new Option<decimal?>("--price-per-hour") { Description = "The instance's on-demand price per hour, for a cost estimate (prices are not looked up)" };
        var s3 = new S3LocationOptions();
        var command = new Command("report", "Write an HTML report of a queue's run: timeline of every attempt, dependency graph, summary") { target, output, open, queueFile, price };
        s3.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(price) is < 0)
            {
                await Console.Error.WriteLineAsync("error: --price-per-hour must not be negative").ConfigureAwait(false);
                return 2;
            }

            var found = await new QueueStateLocator(clock).FindAsync(result.GetValue(target)!, s3.Read(result), cancellationToken).ConfigureAwait(false);
            if (found.State is not { } state)
            {
                await Console.Error.WriteLineAsync($"error: {found.Problem}").ConfigureAwait(false);
                return 2;
            }

            var definition = ReportQueueFile.Find(state, result.GetValue(queueFile), clock, Console.Error);
            if (definition.Problem is not null)
            {
                return 2;
            }

            var report = RunReportBuilder.Build(state, definition.Queue, result.GetValue(price));
            var path = Path.GetFullPath(result.GetValue(output) ?? $"{state.QueueId}-report.html");
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write))
            {
                ReportPage.Write(file, report);
            }

            Console.Out.WriteLine($"report of queue {state.QueueId} ({state.Jobs.Count} jobs, {report.Status.ToString().ToLowerInvariant()}) written to {path}");
            if (definition.Queue is null)
            {
                Console.Error.WriteLine("note: the queue file was not found, so the report has no dependency graph; pass --queue FILE");
            }

            if (result.GetValue(open))
            {
                Open(path);
            }

            return 0;
        });
        return command;
    }

    private static void Open(string path)
    {
        var opener = OperatingSystem.IsMacOS() ? "open" : "xdg-open";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(opener, [path]) { UseShellExecute = false });
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.Error.WriteLine($"warning: could not open the report with {opener}: {e.Message}; open {path} in a browser");
        }
    }
}
