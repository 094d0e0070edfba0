using Spawn.Core.State;

namespace Spawn.Core.Ports;

/// <summary>A request to end the queue now (<c>spawn queue cancel</c>): when it was made, by the asker's clock, and by whom.</summary>
public sealed record CancelRequest(DateTimeOffset RequestedAt, string? RequestedBy)
{
    /// <summary>Why the queue ended: its <c>error_message</c> starts with this.</summary>
    public string Reason => $"cancelled by spawn queue cancel (requested at {QueueStateJson.FormatTime(RequestedAt)})";
}
