using Spawn.Core.State;

namespace Spawn.Aws;

/// <summary>
/// What the instance metadata service says about the instance the agent runs on. <see cref="LifeCycle"/> is
/// <c>spot</c> or <c>on-demand</c> (null when the service did not say).
/// </summary>
public sealed record InstanceDescription(string InstanceId, string? Region, string? InstanceType, string? LifeCycle)
{
    public InstanceIdentity Identity => new(InstanceId, Region, InstanceType);

    /// <summary>For the agent's log: <c>i-0abc (t3.micro, spot) in us-east-1</c>.</summary>
    public override string ToString()
    {
        var details = string.Join(", ", new[] { InstanceType, LifeCycle }.Where(d => d is not null));
        return $"{InstanceId}{(details.Length > 0 ? $" ({details})" : "")}{(Region is null ? "" : $" in {Region}")}";
    }
}
