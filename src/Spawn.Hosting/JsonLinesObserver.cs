using System.Text.Json;
using Spawn.Core.Running;
using Spawn.Core.State;

namespace Spawn.Hosting;

/// <summary>
/// One JSON object per line per event, for programs: <c>{"time","event","queue_id","queue_status","job_id",
/// "job_status","attempt","exit_code","message"}</c>.
/// </summary>
public sealed class JsonLinesObserver(Stream output) : IRunObserver
{
    public void Notify(RunEvent runEvent)
    {
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteString("time", QueueStateJson.FormatTime(runEvent.At));
            json.WriteString("event", JsonNamingPolicy.SnakeCaseLower.ConvertName(runEvent.Kind.ToString()));
            json.WriteString("queue_id", runEvent.State.QueueId);
            json.WriteString("queue_status", runEvent.State.Status.ToString().ToLowerInvariant());
            if (runEvent.JobId is { } jobId)
            {
                var job = runEvent.State.Job(jobId);
                json.WriteString("job_id", jobId);
                json.WriteString("job_status", job.Status.ToString().ToLowerInvariant());
                json.WriteNumber("attempt", job.Attempt);
                if (job.ExitCode is { } code)
                {
                    json.WriteNumber("exit_code", code);
                }
            }

            json.WriteString("message", runEvent.Message);
            json.WriteEndObject();
        }

        output.WriteByte((byte)'\n');
        output.Flush();
    }
}
