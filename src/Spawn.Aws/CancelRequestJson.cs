using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spawn.Core.Ports;
using Spawn.Core.State;

namespace Spawn.Aws;

/// <summary>
/// The body of <c>{prefix}/control/cancel</c>: <c>{"requested_at": "2026-01-22T14:05:30.000Z", "requested_by": "…"}</c>.
/// One serializer for the command that writes it and the agent that reads it.
/// </summary>
public static class CancelRequestJson
{
    public static byte[] Serialize(CancelRequest request) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new CancelRequestDto { RequestedAt = QueueStateJson.FormatTime(request.RequestedAt), RequestedBy = request.RequestedBy },
            CancelRequestJsonContext.Default.CancelRequestDto);

    /// <summary>
    /// The request in <paramref name="utf8"/>; when the body says nothing usable (not JSON, no time: someone put an
    /// empty object by hand), the object's presence is the request, made at <paramref name="storedAt"/>.
    /// </summary>
    public static CancelRequest Parse(ReadOnlySpan<byte> utf8, DateTimeOffset storedAt)
    {
        CancelRequestDto? dto;
        try
        {
            dto = utf8.IsEmpty ? null : JsonSerializer.Deserialize(utf8, CancelRequestJsonContext.Default.CancelRequestDto);
        }
        catch (JsonException)
        {
            dto = null;
        }

        var at = DateTimeOffset.TryParse(dto?.RequestedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : storedAt;
        return new CancelRequest(at, string.IsNullOrWhiteSpace(dto?.RequestedBy) ? null : dto.RequestedBy);
    }
}

internal sealed class CancelRequestDto
{
    public string? RequestedAt { get; set; }

    public string? RequestedBy { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CancelRequestDto))]
internal sealed partial class CancelRequestJsonContext : JsonSerializerContext;
