using Spawn.Core.Ports;
using Spawn.Core.State;

namespace Spawn.Hosting;

/// <summary>
/// What <c>spored</c> does beside running the queue, and <c>spawn queue run</c> does not: it names the EC2 instance it
/// runs on in the state (<see cref="Instance"/>, still being asked of the metadata service when the run starts), it
/// watches the queue's S3 prefix for <c>spawn queue cancel</c>, and on a spot instance it stops for EC2's interruption
/// notice (<see cref="Notices"/>; null when the metadata service is turned off). <see cref="ResumedAt"/>: the queue was
/// resumed on this new machine by <c>spawn queue resume</c> at that time; with no state here, it starts from the state
/// in S3 (<see cref="S3Resumption"/>), and cancel requests older than that time are history.
/// </summary>
public sealed record AgentDuties(Task<InstanceIdentity?> Instance, IInterruptionNotices? Notices = null, DateTimeOffset? ResumedAt = null);
