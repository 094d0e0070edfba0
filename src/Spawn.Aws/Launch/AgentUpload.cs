namespace Spawn.Aws.Launch;

/// <summary>Where the agent build and the queue copy are in the bucket, and their sha256 (lower-case hex).</summary>
public sealed record AgentUpload(string AgentKey, string AgentSha256, string QueueKey, string QueueSha256, long AgentBytes, long QueueBytes);
