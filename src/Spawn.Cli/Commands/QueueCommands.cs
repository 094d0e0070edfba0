using System.CommandLine;

namespace Spawn.Cli.Commands;

/// <summary>The subcommands of <c>spawn queue</c>.</summary>
internal static class QueueCommands
{
    public static IEnumerable<Command> All(TimeProvider clock) =>
    [
        ValidateCommand.Create(clock),
        RunCommand.Create(clock),
        StatusCommand.Create(clock),
        LogsCommand.Create(clock),
        ResultsCommand.Create(clock),
        ListCommand.Create(clock),
        GraphCommand.Create(clock),
        ReportCommand.Create(clock),
        SchemaCommand.Create(),
        CancelCommand.Create(clock),
        ResumeCommand.Create(clock),
    ];
}
