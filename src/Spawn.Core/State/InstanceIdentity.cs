namespace Spawn.Core.State;

/// <summary>
/// The EC2 instance a queue runs on, as the agent learned it from the instance metadata service. It goes into the
/// state so that whoever reads the state (here, or from the S3 mirror) can tell which machine holds the queue. Only
/// the id is certain; region and type are null when the metadata service did not give them.
/// </summary>
public sealed record InstanceIdentity(string InstanceId, string? Region, string? InstanceType);
