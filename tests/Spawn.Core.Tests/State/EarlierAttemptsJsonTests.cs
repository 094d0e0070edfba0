using System.Text;
using System.Text.Json;
using Spawn.Core.State;

namespace Spawn.Core.Tests.State;

public sealed class EarlierAttemptsJsonTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static QueueState WithHistory(EarlierAttempts? history) => new(
        "q", "q", QueueStatus.Running, T0, T0,
        [new JobState("a", JobStatus.Running, 3, T0.AddSeconds(9), EarlierAttempts: history)]);

    [Fact]
    public void The_history_survives_a_round_trip_through_the_state_file()
    {
        var history = new EarlierAttempts(
            [new AttemptRecord(1, T0, T0.AddSeconds(2), 124, AttemptOutcome.TimedOut), new AttemptRecord(2, T0.AddSeconds(3), T0.AddSeconds(4), null, AttemptOutcome.Interrupted)],
            dropped: 7);

        var loaded = QueueStateJson.Deserialize(QueueStateJson.Serialize(WithHistory(history)));

        Assert.Equal(history, loaded.Jobs[0].EarlierAttempts);
        Assert.Equal(WithHistory(history).Jobs[0], loaded.Jobs[0]);
    }

    [Fact]
    public void The_history_is_two_fields_an_older_reader_can_ignore_and_absent_when_empty()
    {
        var history = new EarlierAttempts([new AttemptRecord(1, T0, T0.AddSeconds(2), 1, AttemptOutcome.Failed)], dropped: 0);

        var job = JsonDocument.Parse(QueueStateJson.Serialize(WithHistory(history))).RootElement.GetProperty("jobs")[0];
        var bare = Encoding.UTF8.GetString(QueueStateJson.Serialize(WithHistory(null)));

        Assert.Equal("""[{"attempt":1,"started_at":"2026-03-01T10:00:00.000Z","ended_at":"2026-03-01T10:00:02.000Z","exit_code":1,"outcome":"failed"}]""",
            JsonSerializer.Serialize(job.GetProperty("earlier_attempts")));
        Assert.False(job.TryGetProperty("earlier_attempts_dropped", out _));
        Assert.DoesNotContain("earlier_attempts", bare, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_history_fits_the_widest_slot_a_job_gets_from_other_jobs_records()
    {
        var full = Enumerable.Range(1, 2000).Aggregate((EarlierAttempts?)null, (h, n) =>
            EarlierAttempts.With(h, new AttemptRecord(n, T0, T0.AddHours(1), 137, AttemptOutcome.TimedOut)));
        var job = new JobState("job-with-a-long-id-000001", JobStatus.Running, 2001, T0, null, null, 4_194_304, 18_446_744_073_709_551UL,
            Interruptions: 3, EarlierAttempts: full);

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            QueueStateJson.WriteJob(writer, job);
        }

        // docs/state-file.md: a slot shared by every job grows to at most 1 KiB.
        Assert.InRange(buffer.Length, 0, 1024 - 2);
    }
}
