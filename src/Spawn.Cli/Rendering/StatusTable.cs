using System.Globalization;
using System.Text;
using Spawn.Core.State;

namespace Spawn.Cli.Rendering;

/// <summary>The guide's status table (Monitoring → Real-Time Status).</summary>
internal static class StatusTable
{
    public static string Render(QueueState state)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Queue ID:    {state.QueueId}");
        if (state.QueueName != state.QueueId)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Name:        {state.QueueName}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Status:      {Word(state.Status)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Started:     {(state.StartedAt is { } s ? QueueStateJson.FormatTime(s) : "-")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Updated:     {QueueStateJson.FormatTime(state.UpdatedAt)}");
        if (state.JobProcesses is { } how)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Processes:   one {how} per job (what a job leaves running is stopped when it ends)");
        }

        if (state.ErrorMessage is { } error)
        {
            // An interrupted queue has not failed: its message says why it stopped and what happens next.
            var label = state.Status == QueueStatus.Interrupted ? "Why:" : "Error:";
            text.AppendLine(CultureInfo.InvariantCulture, $"{label,-12} {BoundedText.Shown(error)}");
        }

        text.AppendLine();
        text.AppendLine("Jobs:");
        text.AppendLine($"{"JOB ID",-25} {"STATUS",-11} {"ATTEMPT",-8} {"EXIT",-8} RESULTS");
        text.AppendLine(new string('-', 80));
        foreach (var job in state.Jobs)
        {
            var exit = job.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-";
            var line = $"{job.JobId,-25} {Word(job.Status),-11} {job.Attempt,-8} {exit,-8} {(job.ResultsUploaded ? "yes" : "no"),-8}";
            if (job is { Status: JobStatus.Running, Pid: { } pid })
            {
                line += job.GpuDevices is { Count: > 0 } gpus ? $" (PID: {pid}, GPUs: {string.Join(',', gpus)})" : $" (PID: {pid})";
            }

            text.AppendLine(line.TrimEnd());
            if (job.ErrorMessage is { } message)
            {
                text.AppendLine($"    {BoundedText.Shown(message)}");
            }
        }

        return text.ToString();
    }

    public static string Word(QueueStatus status) => status.ToString().ToLowerInvariant();

    public static string Word(JobStatus status) => status.ToString().ToLowerInvariant();
}
