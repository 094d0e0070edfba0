using System.CommandLine;
using Spawn.Cli.Rendering;
using Spawn.Core.State;

namespace Spawn.Cli.Commands;

/// <summary>
/// <c>spawn queue status QUEUE_ID|STATE_FILE [--json] [--watch] [--bucket B] [--prefix P] [--region R]</c>: the
/// guide's status table, from the local state or, for a queue running elsewhere, its mirror in S3.
/// </summary>
internal static class StatusCommand
{
    private static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(2);

    public static Command Create(TimeProvider clock)
    {
        var target = new Argument<string>("queue") { Description = "A queue id (local, or mirrored in S3) or a state file" };
        var json = new Option<bool>("--json") { Description = "Print the state file's JSON" };
        var watch = new Option<bool>("--watch") { Description = "Refresh every 2 s until the queue ends" };
        var s3 = new S3LocationOptions();
        var command = new Command("status", "Show a queue's status") { target, json, watch };
        s3.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var locator = new QueueStateLocator(clock);
            while (true)
            {
                var found = await locator.FindAsync(result.GetValue(target)!, s3.Read(result), cancellationToken).ConfigureAwait(false);
                var booting = found is { State: null, Instance.Instance: { QueueId: not null, State: "pending" or "running" } } && !result.GetValue(json);
                if (found.State is null && !booting)
                {
                    await Console.Error.WriteLineAsync($"error: {found.Problem}").ConfigureAwait(false);
                    return 2;
                }

                if (result.GetValue(watch) && !Console.IsOutputRedirected)
                {
                    Console.Clear();
                }

                var state = found.State;
                Console.Out.Write(state is null
                    ? InstanceLines.Render(found.Instance, null) + StartingLines(found.Instance!.Instance!)
                    : result.GetValue(json)
                        ? System.Text.Encoding.UTF8.GetString(QueueStateJson.Serialize(state)) + Environment.NewLine
                        : InstanceLines.Render(found.Instance, state) + StatusTable.Render(state));
                if (!result.GetValue(watch) || state?.Status is QueueStatus.Completed or QueueStatus.Failed)
                {
                    return 0;
                }

                try
                {
                    await Task.Delay(WatchInterval, clock, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return 0;
                }

                Console.Out.WriteLine();
            }
        });
        return command;
    }

    /// <summary>Right after a launch the instance boots and the agent has not written its state yet: say so, not "error".</summary>
    private static string StartingLines(Spawn.Aws.Launch.LaunchedInstance instance) =>
        $"Queue ID:    {instance.QueueId}\nStatus:      starting (the instance is booting and installing the agent; its state appears in s3://{instance.Bucket}/{instance.Prefix}/ within a few minutes)\n";
}
