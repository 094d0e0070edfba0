using System.Globalization;
using System.Net;
using System.Text;
using Spawn.Core.Parsing;
using Spawn.Core.Reporting;
using Spawn.Core.State;

namespace Spawn.Cli.Report;

/// <summary>
/// Writes the report as one self-contained HTML file: the summary as plain HTML, the timeline and the graph drawn by
/// an inline script from the inline data. Its content security policy forbids every fetch, so the page cannot load
/// anything even by mistake.
/// </summary>
internal static class ReportPage
{
    private const int SlowestShown = 5;
    private const int CriticalPathShown = 10;

    public static void Write(Stream output, RunReport report)
    {
        using (var head = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true))
        {
            head.Write($"""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <link rel="icon" href="data:,">
                <title>{H(report.QueueName)} — spawn queue report</title>
                <style>{Resource("report.css")}</style>
                </head>
                <body>
                {Summary(report)}
                {ReportSections.Legend}
                {ReportSections.Timeline(report.Rows.Count)}
                {ReportSections.Graph(report)}
                <script type="application/json" id="report-data">
                """);
        }

        ReportData.Write(output, report);
        using var tail = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true);
        tail.Write($"""

            </script>
            <script>{Resource("report.js")}</script>
            </body>
            </html>

            """);
    }

    private static string Summary(RunReport r)
    {
        var text = new StringBuilder();
        text.Append($"""<header><h1>{H(r.QueueName)}</h1><p class="queue-id">{H(r.QueueId)} · <span class="badge status-{Word(r.Status)}" id="queue-status">{Word(r.Status)}</span></p>""");
        if (r.ErrorMessage is { } error)
        {
            text.Append($"""<p class="error">{H(error)}</p>""");
        }

        text.Append("</header><section id=\"summary\"><h2>Summary</h2><dl>");
        Item(text, "started", r.StartedAt is { } s ? QueueStateJson.FormatTime(s) : "not started");
        Item(text, r.Status is QueueStatus.Completed or QueueStatus.Failed ? "ended" : "last update", QueueStateJson.FormatTime(r.EndedAt));
        Item(text, "wall time", Duration(r.Wall), "wall-time");
        Item(text, "busy time", $"{Duration(r.Busy)} (idle {Duration(r.Idle)}: backoffs, the agent's own work, time between resumes)", "busy-time");
        Item(text, "jobs", JobCounts(r));
        Item(text, "critical path", CriticalPath(r), "critical-path");
        Item(text, "retries", r.Retries == 0 ? "none" : $"{r.Retries} attempt{(r.Retries == 1 ? "" : "s")} retried: {Duration(r.RetryTime)} running, {Duration(r.Backoff)} in backoff", "retries");
        if (r.Instance is { } instance)
        {
            Item(text, "instance", H($"{instance.InstanceType ?? "type unknown"} ({instance.InstanceId}{(instance.Region is null ? "" : $", {instance.Region}")})"), "instance");
        }

        Item(text, "cost", r.Cost is { } cost
            ? string.Create(CultureInfo.InvariantCulture, $"about ${cost.Estimate:0.00##} ({Duration(r.Wall)} at ${cost.PricePerHour}/hour, the on-demand price given; boot and storage not included)")
            : "pass --price-per-hour P for an estimate", "cost");
        text.Append("</dl>");
        text.Append(Slowest(r));
        return text.Append("</section>").ToString();
    }

    private static string JobCounts(RunReport r) =>
        string.Join(", ", r.Rows.GroupBy(row => row.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {Word(g.Key)}"));

    private static string CriticalPath(RunReport r)
    {
        if (r.CriticalPath.Count == 0)
        {
            return "none (no job ran)";
        }

        var note = r.DependenciesKnown ? "" : " (the queue file was not found, so dependencies are unknown: pass --queue FILE)";
        var jobs = r.CriticalPath.Select(id => $"<span class=\"job\">{H(id)}</span>").ToList();
        if (jobs.Count <= CriticalPathShown)
        {
            return $"{string.Join(" → ", jobs)} — {Duration(r.CriticalPathLength)}{note}";
        }

        // A long chain is shown by its ends; the whole of it is one click away.
        var ends = $"{string.Join(" → ", jobs.Take(CriticalPathShown / 2))} → … {jobs.Count - CriticalPathShown} more … → {string.Join(" → ", jobs.TakeLast(CriticalPathShown / 2))}";
        return $"{ends} — {Duration(r.CriticalPathLength)}, {jobs.Count} jobs{note}<details><summary>the whole path</summary>{string.Join(" → ", jobs)}</details>";
    }

    private static string Slowest(RunReport r)
    {
        var rows = r.Slowest(SlowestShown).ToList();
        if (rows.Count == 0)
        {
            return "";
        }

        var text = new StringBuilder("<table id=\"slowest\"><caption>Slowest jobs (busy time)</caption><tr><th>job</th><th>busy</th><th>attempts</th><th>status</th></tr>");
        foreach (var row in rows)
        {
            var attempts = row.Attempts.Count + row.DroppedAttempts;
            text.Append($"<tr><td class=\"job\">{H(row.JobId)}</td><td>{Duration(row.Busy)}</td><td>{attempts}</td><td class=\"status-{Word(row.Status)}\">{Word(row.Status)}</td></tr>");
        }

        return text.Append("</table>").ToString();
    }

    private static void Item(StringBuilder text, string term, string html, string? id = null) =>
        text.Append($"<dt>{term}</dt><dd{(id is null ? "" : $" id=\"{id}\"")}>{html}</dd>");

    /// <summary>A duration to read: milliseconds under a second, tenths under a minute, then whole seconds.</summary>
    public static string Duration(TimeSpan span) =>
        span < TimeSpan.FromSeconds(1) ? $"{Math.Round(span.TotalMilliseconds)}ms"
        : span < TimeSpan.FromMinutes(1) ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.0}s")
        : GoDuration.Format(TimeSpan.FromSeconds(Math.Round(span.TotalSeconds)));

    private static string Word<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static string H(string text) => WebUtility.HtmlEncode(text);

    private static string Resource(string name)
    {
        using var stream = typeof(ReportPage).Assembly.GetManifestResourceStream($"Spawn.Cli.Report.{name}")
            ?? throw new InvalidOperationException($"the report's {name} is not built into spawn");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
