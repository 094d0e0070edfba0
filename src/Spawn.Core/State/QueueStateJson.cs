using System.Globalization;
using System.Text.Json;

namespace Spawn.Core.State;

/// <summary>Reads and writes the state file's bytes (no I/O here: callers own files).</summary>
public static class QueueStateJson
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static byte[] Serialize(QueueState state) =>
        JsonSerializer.SerializeToUtf8Bytes(ToDto(state), StateFileJsonContext.Default.StateFileDto);

    /// <summary>Like <see cref="Serialize(QueueState)"/>, straight into a stream the caller owns: a large queue's state
    /// never has to be held whole in memory.</summary>
    public static void Serialize(Stream utf8, QueueState state) =>
        JsonSerializer.Serialize(utf8, ToDto(state), StateFileJsonContext.Default.StateFileDto);

    /// <summary>One job's object as the state file's <c>jobs</c> array holds it, laid out as <paramref name="writer"/> is set to.</summary>
    public static void WriteJob(Utf8JsonWriter writer, JobState job) =>
        JsonSerializer.Serialize(writer, ToDto(job), StateFileJsonContext.Default.JobStateDto);

    /// <summary>Parses a state file; throws <see cref="FormatException"/> with a reason when it is not one.</summary>
    public static QueueState Deserialize(ReadOnlySpan<byte> utf8)
    {
        StateFileDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize(utf8, StateFileJsonContext.Default.StateFileDto);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not valid JSON ({e.Message})", e);
        }

        if (dto is null || string.IsNullOrEmpty(dto.QueueId))
        {
            throw new FormatException("no queue_id");
        }

        // JSON null gets past the types the serializer checks: "jobs": null, a null job, "job_id": null.
        if (dto.Jobs is null)
        {
            throw new FormatException("no jobs array");
        }

        for (var i = 0; i < dto.Jobs.Count; i++)
        {
            if (string.IsNullOrEmpty(dto.Jobs[i]?.JobId))
            {
                throw new FormatException($"job {i + 1} has no job_id");
            }
        }

        return FromDto(dto);
    }

    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static StateFileDto ToDto(QueueState s) => new()
    {
        QueueId = s.QueueId,
        QueueName = s.QueueName,
        StartedAt = Time(s.StartedAt),
        UpdatedAt = FormatTime(s.UpdatedAt),
        Status = Word(s.Status),
        ErrorMessage = s.ErrorMessage,
        InstanceId = s.Instance?.InstanceId,
        Region = s.Instance?.Region,
        InstanceType = s.Instance?.InstanceType,
        JobProcesses = s.JobProcesses,
        Jobs = s.Jobs.Select(ToDto).ToList(),
    };

    private static JobStateDto ToDto(JobState j) => new()
    {
        JobId = j.JobId,
        Status = Word(j.Status),
        StartedAt = Time(j.StartedAt),
        CompletedAt = Time(j.CompletedAt),
        ExitCode = j.ExitCode,
        Attempt = j.Attempt,
        Pid = j.Pid,
        PidStartTime = j.PidStartTime,
        ResultsUploaded = j.ResultsUploaded,
        ErrorMessage = j.ErrorMessage,
        Interruptions = j.Interruptions == 0 ? null : j.Interruptions,
        RetryAt = Time(j.RetryAt),
        EarlierAttempts = j.EarlierAttempts?.Kept.Select(ToDto).ToList(),
        EarlierAttemptsDropped = j.EarlierAttempts is { Dropped: > 0 } e ? e.Dropped : null,
        GpuDevices = j.GpuDevices is { Count: > 0 } gpus ? [.. gpus] : null,
    };

    private static AttemptRecordDto ToDto(AttemptRecord a) => new()
    {
        Attempt = a.Attempt,
        StartedAt = FormatTime(a.StartedAt),
        EndedAt = FormatTime(a.EndedAt),
        ExitCode = a.ExitCode,
        Outcome = AttemptOutcomes.Word(a.Outcome),
    };

    private static EarlierAttempts? FromDto(List<AttemptRecordDto>? kept, int? dropped, string jobId) =>
        kept is null or [] ? null
            : new EarlierAttempts(
                kept.Select(a => new AttemptRecord(
                    a.Attempt,
                    ParseTime(a.StartedAt, $"earlier_attempts of job {jobId}: started_at") ?? DateTimeOffset.UnixEpoch,
                    ParseTime(a.EndedAt, $"earlier_attempts of job {jobId}: ended_at") ?? DateTimeOffset.UnixEpoch,
                    a.ExitCode,
                    AttemptOutcomes.Parse(a.Outcome))).ToList(),
                dropped ?? 0);

    private static QueueState FromDto(StateFileDto d) => new(
        d.QueueId,
        d.QueueName ?? d.QueueId,
        Parse<QueueStatus>(d.Status, "status"),
        ParseTime(d.StartedAt, "started_at"),
        ParseTime(d.UpdatedAt, "updated_at") ?? DateTimeOffset.UnixEpoch,
        d.Jobs.Select(j => new JobState(
            j.JobId,
            Parse<JobStatus>(j.Status, $"status of job {j.JobId}"),
            j.Attempt,
            ParseTime(j.StartedAt, "started_at"),
            ParseTime(j.CompletedAt, "completed_at"),
            j.ExitCode,
            j.Pid,
            j.PidStartTime,
            j.ResultsUploaded,
            j.ErrorMessage,
            j.Interruptions ?? 0,
            ParseTime(j.RetryAt, "retry_at"),
            FromDto(j.EarlierAttempts, j.EarlierAttemptsDropped, j.JobId),
            j.GpuDevices is null or [] ? null : j.GpuDevices)).ToList(),
        d.ErrorMessage,
        d.InstanceId is null ? null : new InstanceIdentity(d.InstanceId, d.Region, d.InstanceType),
        d.JobProcesses);

    private static string Word<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    // Only the words the writer writes (in any case): Enum.TryParse alone also takes numbers ("-1" is no status at
    // all, and its ToString is "-1" again), " running", and "running,completed", which it ORs together into "failed".
    private static T Parse<T>(string word, string field) where T : struct, Enum =>
        Enum.TryParse<T>(word, ignoreCase: true, out var value) && Enum.IsDefined(value)
            && string.Equals(value.ToString(), word, StringComparison.OrdinalIgnoreCase)
            ? value
            : throw new FormatException($"{field}: unknown value \"{word}\"");

    private static string? Time(DateTimeOffset? time) => time is { } t ? FormatTime(t) : null;

    private static DateTimeOffset? ParseTime(string? text, string field) =>
        text is null ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t
        : throw new FormatException($"{field}: not a time \"{text}\"");
}
