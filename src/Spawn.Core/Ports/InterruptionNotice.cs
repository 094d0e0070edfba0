using Spawn.Core.State;

namespace Spawn.Core.Ports;

/// <summary>
/// EC2 said it will take the machine away: a spot interruption notice (<c>spot/instance-action</c>). It comes about
/// two minutes before <see cref="ActionAt"/>, when EC2 stops or terminates the instance (<see cref="Action"/>).
/// </summary>
public sealed record InterruptionNotice(string Action, DateTimeOffset ActionAt, DateTimeOffset SeenAt)
{
    /// <summary>What the stopped job's group may take at most: the rest of the two minutes is for the uploads.</summary>
    public static readonly TimeSpan UploadReserve = TimeSpan.FromSeconds(45);

    /// <summary>The least grace a job gets, however late the notice was seen.</summary>
    public static readonly TimeSpan MinimumGrace = TimeSpan.FromSeconds(5);

    /// <summary>Why the queue stopped, and what happens next: the queue's <c>error_message</c> while it is interrupted.</summary>
    public string Reason =>
        $"interrupted by a spot interruption notice (EC2 will {Action} the instance at {QueueStateJson.FormatTime(ActionAt)}); "
        + (Action == "stop"
            ? "the queue resumes by itself when EC2 starts the instance again, or run `spawn queue resume` to go on on a new instance"
            : "run `spawn queue resume` to go on on a new instance");

    /// <summary>The grace for the running job's group: its own kill_grace, cut so that the uploads still fit before the action.</summary>
    public TimeSpan GraceFor(TimeSpan killGrace, DateTimeOffset now)
    {
        var left = ActionAt - now - UploadReserve;
        var cap = left > MinimumGrace ? left : MinimumGrace;
        return killGrace < cap ? killGrace : cap;
    }
}
