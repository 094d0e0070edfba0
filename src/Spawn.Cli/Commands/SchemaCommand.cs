using System.CommandLine;
using Spawn.Core.Parsing;

namespace Spawn.Cli.Commands;

/// <summary><c>spawn queue schema</c>: the JSON Schema of queue files, so editors can check them as you type.</summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        var command = new Command("schema", "Print the JSON Schema of queue files (also in schema/queue.schema.json)");
        command.SetAction(_ =>
        {
            Console.Out.WriteLine(QueueSchema.Json);
            return 0;
        });
        return command;
    }
}
