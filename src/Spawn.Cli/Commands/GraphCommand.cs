using System.CommandLine;
using System.Text;
using Spawn.Core.Model;
using Spawn.Hosting;

namespace Spawn.Cli.Commands;

/// <summary><c>spawn queue graph FILE [--format mermaid|dot]</c>: the dependency graph, for docs and reviews.</summary>
internal static class GraphCommand
{
    public static Command Create(TimeProvider clock)
    {
        var file = new Argument<string>("file") { Description = "The queue file (JSON)" };
        var format = new Option<string>("--format") { Description = "mermaid (Markdown, GitHub) or dot (Graphviz)", DefaultValueFactory = _ => "mermaid" };
        format.AcceptOnlyFromAmong("mermaid", "dot");
        var command = new Command("graph", "Print the dependency graph of a queue file") { file, format };
        command.SetAction(result =>
        {
            var queue = QueueFileLoading.Load(result.GetValue(file)!, clock, Console.Error);
            if (queue is null)
            {
                return 2;
            }

            Console.Out.Write(result.GetValue(format) == "dot" ? Dot(queue) : Mermaid(queue));
            return 0;
        });
        return command;
    }

    /// <summary>Arrows point from a job to the jobs that wait for it, the way work flows.</summary>
    public static string Mermaid(QueueDefinition queue)
    {
        var text = new StringBuilder("flowchart TD\n");
        var node = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < queue.Jobs.Count; i++)
        {
            // Ids may hold '.' and '-', which Mermaid reads as syntax; n0, n1 … are safe, the label shows the id.
            node[queue.Jobs[i].JobId] = $"n{i}";
            text.Append($"    n{i}[\"{queue.Jobs[i].JobId}\"]\n");
        }

        foreach (var job in queue.Jobs)
        {
            foreach (var dependency in job.DependsOn)
            {
                text.Append($"    {node[dependency]} --> {node[job.JobId]}\n");
            }
        }

        return text.ToString();
    }

    public static string Dot(QueueDefinition queue)
    {
        var text = new StringBuilder($"digraph \"{queue.QueueId}\" {{\n    rankdir=TB;\n    node [shape=box];\n");
        foreach (var job in queue.Jobs)
        {
            text.Append($"    \"{job.JobId}\";\n");
        }

        foreach (var job in queue.Jobs)
        {
            foreach (var dependency in job.DependsOn)
            {
                text.Append($"    \"{dependency}\" -> \"{job.JobId}\";\n");
            }
        }

        return text.Append("}\n").ToString();
    }
}
