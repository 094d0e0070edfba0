using System.CommandLine;
using Spawn.Aws;
using Spawn.Core.State;

namespace Spawn.Agent;

/// <summary>
/// <c>spored cancel-spot-request</c>: on a spot instance, cancels the spot request that fulfilled it (the dead-man
/// switch runs it before its power-off, as the agent does before its own). On an on-demand instance, or off EC2, it
/// does nothing. Exit 0 when no open request is left, 1 when the cancel failed (the power-off goes ahead either way).
/// </summary>
internal static class CancelSpotRequestCommand
{
    public static Command Create(TimeProvider clock)
    {
        var command = new Command("cancel-spot-request", "Cancel this spot instance's own spot request, so that EC2 does not start it (or a replacement) again");
        command.SetAction(async (_, cancellationToken) =>
        {
            using var metadata = InstanceMetadata.FromEnvironment(Environment.GetEnvironmentVariable);
            var description = metadata is null ? null : await metadata.DescribeAsync(cancellationToken).ConfigureAwait(false);
            return await CancelIfSpotAsync(description, clock, cancellationToken, sayNothingOpen: true).ConfigureAwait(false) ? 0 : 1;
        });
        return command;
    }

    /// <summary>Says what happened in one line; true when no open request of this instance is left.</summary>
    /// <param name="sayNothingOpen">Also say so when there was nothing to cancel (a one-time request, closed once fulfilled).</param>
    public static async Task<bool> CancelIfSpotAsync(InstanceDescription? instance, TimeProvider clock, CancellationToken cancellationToken, bool sayNothingOpen = false)
    {
        if (instance is not { LifeCycle: "spot" })
        {
            return true;
        }

        var (done, said) = await SpotRequestCancellation.CancelOwnAsync(instance.InstanceId, instance.Region ?? "us-east-1", clock, cancellationToken).ConfigureAwait(false);
        if (said.StartsWith(SpotRequestCancellation.NothingOpen, StringComparison.Ordinal) && !sayNothingOpen)
        {
            return done;
        }

        var line = $"{QueueStateJson.FormatTime(clock.GetUtcNow())} {(done ? "" : "warning: ")}{said}";
        await (done ? Console.Out : Console.Error).WriteLineAsync(line).ConfigureAwait(false);
        return done;
    }
}
