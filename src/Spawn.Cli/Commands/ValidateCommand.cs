using System.CommandLine;
using System.Text;
using Spawn.Core.Parsing;
using Spawn.Core.Planning;
using Spawn.Hosting;

namespace Spawn.Cli.Commands;

/// <summary>
/// <c>spawn queue validate FILE [--json]</c>: checks a queue file without running anything. Valid: the summary and
/// the execution order, exit 0. Invalid: every problem as <c>FILE:LINE:COL: error: MESSAGE</c> on stderr, exit 2.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create(TimeProvider clock)
    {
        var file = new Argument<string>("file") { Description = "The queue file (JSON; comments and trailing commas allowed)" };
        var json = new Option<bool>("--json") { Description = "Print {valid, queue_id, order, errors} as JSON on stdout" };
        var command = new Command("validate", "Check a queue file and show the order its jobs would run in") { file, json };
        command.SetAction(result =>
        {
            // One buffered writer: a 100,000-job order is 100,000 lines.
            using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
            return Run(result.GetValue(file)!, result.GetValue(json), clock, stdout, Console.Error);
        });
        return command;
    }

    public static int Run(string path, bool json, TimeProvider clock, TextWriter stdout, TextWriter stderr)
    {
        if (QueueFileLoading.ReadProblem(path, out var content) is { } problem)
        {
            stderr.WriteLine($"{path}: error: {problem}");
            if (json)
            {
                ValidateJsonOutput.WriteUnreadable(stdout, problem);
            }

            return 2;
        }

        var parsed = QueueFileParser.Parse(content, path, clock);
        var order = parsed.Queue is { } queue ? ExecutionPlan.OrderIndices(queue) : [];
        if (json)
        {
            ValidateJsonOutput.Write(stdout, parsed, order);
        }
        else if (parsed.IsValid)
        {
            ValidateSummary.Write(stdout, path, parsed, order);
        }
        else
        {
            QueueFileLoading.PrintErrors(path, parsed, stderr);
        }

        return parsed.IsValid ? 0 : 2;
    }
}
