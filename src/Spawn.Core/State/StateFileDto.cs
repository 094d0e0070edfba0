using System.Text.Json.Serialization;

namespace Spawn.Core.State;

// The state file's wire shape (the guide's format). Kept apart from QueueState so the domain
// record can use enums and DateTimeOffset while the file keeps lower-case words and UTC "Z" times.
internal sealed class StateFileDto
{
    public string QueueId { get; set; } = "";
    public string? QueueName { get; set; }
    public string? StartedAt { get; set; }
    public string? UpdatedAt { get; set; }
    public string Status { get; set; } = "";
    public string? ErrorMessage { get; set; }

    // Flat, not an object: jq '.instance_id' and older readers that ignore unknown fields both stay simple.
    public string? InstanceId { get; set; }
    public string? Region { get; set; }
    public string? InstanceType { get; set; }
    public string? JobProcesses { get; set; }
    public List<JobStateDto> Jobs { get; set; } = [];
}

internal sealed class JobStateDto
{
    public string JobId { get; set; } = "";
    public string Status { get; set; } = "";
    public string? StartedAt { get; set; }
    public string? CompletedAt { get; set; }
    public int? ExitCode { get; set; }
    public int Attempt { get; set; }
    public int? Pid { get; set; }
    public ulong? PidStartTime { get; set; }
    public bool ResultsUploaded { get; set; }
    public string? ErrorMessage { get; set; }
    public int? Interruptions { get; set; }
    public string? RetryAt { get; set; }

    // Beyond the guide: the attempts before the current one (docs/state-file.md). Left out when there are none.
    public List<AttemptRecordDto>? EarlierAttempts { get; set; }
    public int? EarlierAttemptsDropped { get; set; }

    // Beyond the guide: the running attempt's own GPUs, side by side. Left out when it has none.
    public List<string>? GpuDevices { get; set; }
}

internal sealed class AttemptRecordDto
{
    public int Attempt { get; set; }
    public string StartedAt { get; set; } = "";
    public string EndedAt { get; set; } = "";
    public int? ExitCode { get; set; }
    public string Outcome { get; set; } = "";
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(StateFileDto))]
internal sealed partial class StateFileJsonContext : JsonSerializerContext;
