using System.Globalization;
using System.Text.Json;
using Spawn.Core.Ports;
using Spawn.Core.State;

namespace Spawn.Aws;

/// <summary>
/// Watches the instance metadata service for EC2's spot interruption notice (<c>meta-data/spot/instance-action</c>,
/// about two minutes before EC2 stops or terminates the instance) every <see cref="Interval"/>, on a spot instance
/// only. A rebalance recommendation (<c>events/recommendations/rebalance</c>, an earlier and often false warning) is
/// reported in the agent's log and nothing more: stopping a long job for it would lose work that may never be at risk.
/// </summary>
public sealed class SpotNotices(InstanceMetadata metadata, Task<InstanceDescription?> instance, TimeProvider clock, TextWriter log) : IInterruptionNotices
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A notice whose action time is further in the past than this when the agent starts is left from before a stop
    /// and start (the machine is plainly still here): it is not acted on.
    /// </summary>
    public static readonly TimeSpan Stale = TimeSpan.FromMinutes(1);

    private readonly DateTimeOffset watchingSince = clock.GetUtcNow();

    public async Task<InterruptionNotice> WaitAsync(CancellationToken cancellationToken)
    {
        if (await instance.WaitAsync(cancellationToken).ConfigureAwait(false) is not { LifeCycle: "spot" })
        {
            // On demand (or not on EC2): EC2 never sends this machine a notice.
            await Task.Delay(Timeout.InfiniteTimeSpan, clock, cancellationToken).ConfigureAwait(false);
        }

        await log.WriteLineAsync($"{QueueStateJson.FormatTime(clock.GetUtcNow())} spot instance: looking for interruption notices every {Interval.TotalSeconds:0} s").ConfigureAwait(false);
        var rebalanceReported = false;
        while (true)
        {
            var action = await metadata.ReadAsync("meta-data/spot/instance-action", cancellationToken).ConfigureAwait(false);
            if (Parse(action, clock.GetUtcNow()) is { } notice && notice.ActionAt + Stale >= watchingSince)
            {
                await log.WriteLineAsync($"{QueueStateJson.FormatTime(notice.SeenAt)} spot interruption notice: EC2 will {notice.Action} this instance at {QueueStateJson.FormatTime(notice.ActionAt)}")
                    .ConfigureAwait(false);
                return notice;
            }

            if (!rebalanceReported && await metadata.ReadAsync("meta-data/events/recommendations/rebalance", cancellationToken).ConfigureAwait(false) is { } rebalance)
            {
                rebalanceReported = true;
                await log.WriteLineAsync($"{QueueStateJson.FormatTime(clock.GetUtcNow())} warning: EC2 recommends rebalancing ({rebalance}): this spot instance is at higher risk of interruption; the queue goes on")
                    .ConfigureAwait(false);
            }

            await Task.Delay(Interval, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><c>{"action": "stop", "time": "2017-09-18T08:22:00Z"}</c>; null for anything else.</summary>
    public static InterruptionNotice? Parse(string? body, DateTimeOffset seenAt)
    {
        if (body is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("action", out var action) && action.ValueKind == JsonValueKind.String
                && root.TryGetProperty("time", out var time) && time.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(time.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                return new InterruptionNotice(action.GetString()!, at, seenAt);
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
