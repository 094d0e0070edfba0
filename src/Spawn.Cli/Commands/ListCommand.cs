using System.CommandLine;
using Spawn.Aws;
using Spawn.Aws.Launch;
using Spawn.Cli.Listing;
using Spawn.Cli.Rendering;

namespace Spawn.Cli.Commands;

/// <summary>
/// <c>spawn queue list [--region R] [--json]</c>: the queues launched to EC2 — those this machine launched, and every
/// instance EC2 lists with a <c>spawn:queue-id</c> tag (launched from anywhere) — with the instance's state and what
/// the agent mirrored to S3, newest first. Without EC2 access the local records are still listed, then exit 1.
/// </summary>
internal static class ListCommand
{
    public static Command Create(TimeProvider clock)
    {
        var region = new Option<string?>("--region") { Description = "Only this region (default: AWS_REGION, the profile's, else us-east-1, plus every region this machine launched in)" };
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of the table" };
        var command = new Command("list", "List the queues launched to EC2, with their instance's and queue's state") { region, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var chosen = result.GetValue(region);
            if (chosen is not null && RegionNames.Problem(chosen) is { } problem)
            {
                await Console.Error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
                return 2;
            }

            var defaultRegion = AwsClients.ResolveRegion(chosen);
            var launched = LocalQueueRecord.ReadAll().Where(r => r.Launched).ToList();
            // --region narrows to that region; without it, a queue this machine launched elsewhere still shows.
            var regions = chosen is not null
                ? [chosen]
                : launched.Select(r => r.Region ?? defaultRegion).Append(defaultRegion).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var records = launched.Where(r => regions.Contains(r.Region ?? defaultRegion)).ToList();

            var listings = await new RegionInstances(clock).ListAsync(regions, cancellationToken).ConfigureAwait(false);
            var unanswered = listings.Where(l => l.Problem is not null).Select(l => l.Region).ToHashSet(StringComparer.Ordinal);
            var queues = LaunchedQueues.Merge(records, listings.SelectMany(l => l.Instances), unanswered, defaultRegion);

            // S3 is asked only where EC2 answered: without credentials every read would fail the same way, once per line.
            var mirrors = await new MirroredStates(clock).ReadAsync([.. queues.Where(q => !unanswered.Contains(q.Region))], cancellationToken).ConfigureAwait(false);
            var rows = QueueListRow.NewestFirst(queues.Select(q => new QueueListRow(q, mirrors.GetValueOrDefault(q.InstanceId) ?? MirroredState.NotRead)));

            await Console.Out.WriteAsync(result.GetValue(json) ? QueueListJson.Render(rows)
                : rows.Count > 0 ? QueueListTable.Render(rows)
                : $"no launched queues (none recorded on this machine, none tagged {InstanceTags.QueueId} in {string.Join(", ", regions)}){Environment.NewLine}").ConfigureAwait(false);
            foreach (var failed in listings.Where(l => l.Problem is not null))
            {
                await Console.Error.WriteLineAsync($"error: cannot list the instances in {failed.Region}: {failed.Problem}").ConfigureAwait(false);
            }

            return unanswered.Count > 0 ? 1 : 0;
        });
        return command;
    }
}
