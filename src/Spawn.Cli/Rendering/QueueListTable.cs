using System.Globalization;
using System.Text;
using Spawn.Cli.Listing;

namespace Spawn.Cli.Rendering;

/// <summary>
/// <c>spawn queue list</c> as a table. <c>-</c> is "nothing yet" (no state mirrored, no time); <c>?</c> is "could
/// not be learnt", with the reason in a footnote line under the table.
/// </summary>
internal static class QueueListTable
{
    private static readonly string[] Headers = ["QUEUE ID", "INSTANCE", "INSTANCE STATE", "QUEUE STATUS", "STARTED", "JOBS"];

    public static string Render(IReadOnlyList<QueueListRow> rows)
    {
        var cells = rows.Select(Cells).ToList();
        var widths = Headers.Select((h, i) => cells.Select(c => c[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        text.AppendLine(Line(Headers, widths));
        foreach (var row in cells)
        {
            text.AppendLine(Line(row, widths));
        }

        foreach (var row in rows.Where(r => r.Mirror.Problem is not null))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"? {row.Queue.QueueId} ({row.Queue.InstanceId}): {row.Mirror.Problem}");
        }

        return text.ToString();
    }

    private static string[] Cells(QueueListRow row)
    {
        var unknown = row.Mirror.IsUnknown;
        return
        [
            row.Queue.QueueId,
            row.Queue.InstanceId,
            row.Queue.InstanceState ?? "?",
            row.QueueStatus ?? (unknown ? "?" : "-"),
            row.StartedAt is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-",
            row.JobsTotal is { } total ? $"{row.JobsDone}/{total}" : unknown ? "?" : "-",
        ];
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd();
}
