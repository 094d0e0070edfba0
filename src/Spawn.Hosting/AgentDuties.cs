using Spawn.Core.Ports;
using Spawn.Core.State;

namespace Spawn.Hosting;

/// <summary>
/// What <c>spored</c> does beside running the queue, and <c>spawn queue run</c> does not: it names the EC2 instance it
/// runs on in the state (<see cref="Instance"/>, still being asked of the metadata service when the run starts), it
/// watches the queue's S3 prefix for <c>spawn queue cancel</c>, and on a spot instance it stops for EC2's interruption
/// notice (<see cref="Notices"/>; null when the metadata service is turned off). With <see cref="ResumeFromS3Since"/>
/// and no state on this machine, it starts from the queue's state in S3, if that run started at or after that time
/// (<see cref="S3Resumption"/>). <see cref="ResumedAt"/>: <c>spawn queue resume</c> asked at that time; failed and skipped
/// jobs get a new chance, and cancel requests older than that time are history.
/// </summary>
public sealed record AgentDuties(
    Task<InstanceIdentity?> Instance, IInterruptionNotices? Notices = null, DateTimeOffset? ResumeFromS3Since = null, DateTimeOffset? ResumedAt = null);
