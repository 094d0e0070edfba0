using System.Text.Json;
using Spawn.Core.Reporting;
using Spawn.Core.State;

namespace Spawn.Cli.Report;

/// <summary>
/// The report's data as the page's script reads it: one compact JSON object (times in milliseconds from the queue's
/// start, attempts as arrays), so a 10,000-job report stays a few MB. Written with <see cref="Utf8JsonWriter"/> (no
/// reflection); its default encoder escapes <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c>, so job ids and messages cannot
/// close the script element that holds it.
/// </summary>
internal static class ReportData
{
    public static void Write(Stream output, RunReport report)
    {
        var origin = Origin(report);
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("t0", QueueStateJson.FormatTime(origin));
        json.WriteNumber("span", Ms(Horizon(report) - origin));
        json.WriteBoolean("depsKnown", report.DependenciesKnown);
        json.WriteStartArray("critical");
        foreach (var id in report.CriticalPath)
        {
            json.WriteStringValue(id);
        }

        json.WriteEndArray();
        var index = new Dictionary<string, int>(report.Rows.Count, StringComparer.Ordinal);
        for (var i = 0; i < report.Rows.Count; i++)
        {
            index[report.Rows[i].JobId] = i;
        }

        json.WriteStartArray("jobs");
        foreach (var row in report.Rows)
        {
            WriteRow(json, row, origin, index);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteRow(Utf8JsonWriter json, ReportRow row, DateTimeOffset origin, Dictionary<string, int> index)
    {
        json.WriteStartObject();
        json.WriteString("id", row.JobId);
        json.WriteString("status", row.Status.ToString().ToLowerInvariant());
        json.WriteNumber("busy", Ms(row.Busy));
        if (row.ErrorMessage is { } error)
        {
            json.WriteString("err", error);
        }

        if (row.DroppedAttempts > 0)
        {
            json.WriteNumber("dropped", row.DroppedAttempts);
        }

        json.WriteStartArray("deps");
        foreach (var dependency in row.DependsOn)
        {
            if (index.TryGetValue(dependency, out var d))
            {
                json.WriteNumberValue(d);
            }
        }

        json.WriteEndArray();

        // [attempt, start, end, exit code or null, outcome]
        json.WriteStartArray("a");
        foreach (var a in row.Attempts)
        {
            json.WriteStartArray();
            json.WriteNumberValue(a.Attempt);
            json.WriteNumberValue(Ms(a.Start - origin));
            json.WriteNumberValue(Ms(a.End - origin));
            if (a.ExitCode is { } code)
            {
                json.WriteNumberValue(code);
            }
            else
            {
                json.WriteNullValue();
            }

            json.WriteStringValue(AttemptOutcomes.Word(a.Outcome));
            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteStartArray("w");
        foreach (var w in row.Waits)
        {
            json.WriteStartArray();
            json.WriteNumberValue(Ms(w.From - origin));
            json.WriteNumberValue(Ms(w.Until - origin));
            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Where the time axis starts: the queue's first start, or an earlier attempt's (a state from before it).</summary>
    private static DateTimeOffset Origin(RunReport report)
    {
        var first = report.Rows.SelectMany(r => r.Attempts).Select(a => (DateTimeOffset?)a.Start).Min();
        return (report.StartedAt, first) switch
        {
            ({ } s, { } f) => s < f ? s : f,
            ({ } s, null) => s,
            (null, { } f) => f,
            _ => report.EndedAt,
        };
    }

    /// <summary>Where the time axis ends: the queue's last update, or a later end or planned retry.</summary>
    private static DateTimeOffset Horizon(RunReport report) =>
        report.Rows.SelectMany(r => r.Attempts.Select(a => a.End).Concat(r.Waits.Select(w => w.Until))).Append(report.EndedAt).Max();

    private static long Ms(TimeSpan span) => (long)Math.Round(span.TotalMilliseconds);
}
