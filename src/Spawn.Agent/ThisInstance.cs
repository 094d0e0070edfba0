using Spawn.Aws;
using Spawn.Core.State;

namespace Spawn.Agent;

/// <summary>
/// Learns which EC2 instance the agent runs on, from the instance metadata service, and says so in the agent's log.
/// Only <c>spored</c> asks: <c>spawn queue run</c> on a laptop has no business with the metadata address.
/// </summary>
internal sealed class ThisInstance(TimeProvider clock, TextWriter output) : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private InstanceMetadata? metadata;
    private Task<InstanceDescription?> description = Task.FromResult<InstanceDescription?>(null);

    /// <summary>
    /// Starts asking and returns at once: the queue does not wait for the answer. On EC2 it comes within milliseconds,
    /// before the run's first save; elsewhere the address may not answer for seconds, and then the state simply
    /// names no instance. Null when the service is turned off (<c>AWS_EC2_METADATA_DISABLED=true</c>) or did not answer.
    /// </summary>
    public Task<InstanceIdentity?> Identify()
    {
        try
        {
            metadata = InstanceMetadata.FromEnvironment(Environment.GetEnvironmentVariable);
        }
        catch (FormatException e)
        {
            // A mistyped variable must not keep the queue from running: it only goes without its instance's name.
            output.WriteLine($"{QueueStateJson.FormatTime(clock.GetUtcNow())} warning: {e.Message}; the instance is not looked up");
        }

        if (metadata is not null)
        {
            description = DescribeAsync(metadata);
        }

        return IdentityAsync();
    }

    /// <summary>
    /// The spot interruption notices of this instance (<see cref="SpotNotices"/>: it looks only once the instance says
    /// it is a spot instance), or null when the metadata service is turned off. Call after <see cref="Identify"/>.
    /// </summary>
    public SpotNotices? Notices() => metadata is null ? null : new SpotNotices(metadata, description, clock, output);

    /// <summary>What the metadata service said (null: nothing); call after <see cref="Identify"/>.</summary>
    public Task<InstanceDescription?> DescriptionAsync() => description;

    private async Task<InstanceIdentity?> IdentityAsync() => (await description.ConfigureAwait(false))?.Identity;

    public async ValueTask DisposeAsync()
    {
        // A lookup still waiting on an address that does not answer is given up, not waited for.
        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await description.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        metadata?.Dispose();
        stopping.Dispose();
    }

    private async Task<InstanceDescription?> DescribeAsync(InstanceMetadata service)
    {
        var described = await service.DescribeAsync(stopping.Token).ConfigureAwait(false);
        if (described is not null)
        {
            output.WriteLine($"{QueueStateJson.FormatTime(clock.GetUtcNow())} on EC2 instance {described}");
            output.Flush();
        }

        return described;
    }
}
