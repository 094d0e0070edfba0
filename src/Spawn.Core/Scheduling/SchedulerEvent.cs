using Spawn.Core.State;

namespace Spawn.Core.Scheduling;

/// <summary>Something that happened to the queue. The scheduler changes state only in answer to these.</summary>
public abstract record SchedulerEvent(DateTimeOffset At)
{
    /// <summary>
    /// An attempt is starting. It is recorded (and saved) before the process is spawned, so that an agent dying in
    /// between never forgets an attempt it may have launched; <see cref="ProcessStarted"/> then adds the pid.
    /// </summary>
    public sealed record Started(string JobId, int Attempt, DateTimeOffset At, IReadOnlyList<string>? GpuDevices = null) : SchedulerEvent(At);

    /// <summary>The running attempt's process group exists: its leader's pid and start time.</summary>
    public sealed record ProcessStarted(string JobId, int Pid, ulong PidStartTime, DateTimeOffset At) : SchedulerEvent(At);

    /// <summary>An attempt ended. <paramref name="Reason"/> explains a non-plain ending such as a timeout.</summary>
    public sealed record Exited(string JobId, int ExitCode, string? Reason, DateTimeOffset At) : SchedulerEvent(At);

    /// <summary>
    /// An attempt was cut short by something that is not the job's fault (the agent or machine died, or the user
    /// interrupted the run). It does not consume an attempt; crashes are counted so a crash loop still ends.
    /// </summary>
    public sealed record Interrupted(string JobId, string Reason, bool CountsAsCrash, DateTimeOffset At) : SchedulerEvent(At);

    /// <summary>A finished job's logs (and, if it completed, results) were handed to the result store.</summary>
    public sealed record ResultsCollected(string JobId, bool Uploaded, string? Problem, DateTimeOffset At) : SchedulerEvent(At);

    /// <summary>The queue's global_timeout ran out: nothing more starts.</summary>
    public sealed record GlobalTimeoutExpired(string Reason, DateTimeOffset At) : SchedulerEvent(At);

    /// <summary>
    /// Someone asked for the queue to end (<c>spawn queue cancel</c>): nothing more starts, every job that has not run
    /// is skipped, a retry that was waiting is not made, and the queue ends failed with <paramref name="Reason"/>.
    /// </summary>
    public sealed record CancelRequested(string Reason, DateTimeOffset At) : SchedulerEvent(At);

    /// <summary>
    /// The runner stopped a running attempt (TERM, grace, KILL) because the queue is ending: the attempt failed,
    /// whatever code its group ended with, and is not retried. Unlike <see cref="Interrupted"/>, it is not run again.
    /// </summary>
    public sealed record Stopped(string JobId, int ExitCode, string Reason, DateTimeOffset At) : SchedulerEvent(At);

    /// <summary>
    /// EC2 is about to take the machine away (a spot interruption notice): the queue is <c>interrupted</c> with
    /// <paramref name="Reason"/> until a run resumes it. The running attempt is reported with <see cref="Interrupted"/>.
    /// </summary>
    public sealed record QueueInterrupted(string Reason, DateTimeOffset At) : SchedulerEvent(At);

    /// <summary>
    /// The agent learned which EC2 instance it runs on (from the instance metadata service, while the queue already
    /// runs: the run never waits for it). It replaces what a resumed state said: after a stop and start, or on a new
    /// instance, the state names the machine that holds the queue now.
    /// </summary>
    public sealed record InstanceIdentified(InstanceIdentity Instance, DateTimeOffset At) : SchedulerEvent(At);

    /// <summary>The run keeps each job's processes together this way ("cgroup" or "process group"), for status.</summary>
    public sealed record ProcessesContained(string How, DateTimeOffset At) : SchedulerEvent(At);
}
