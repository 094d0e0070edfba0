using System.Text.Json;
using Spawn.Core.Ports;
using Spawn.Core.State;

namespace Spawn.Storage.Tests.Fuzzing;

/// <summary>
/// What must hold however damaged or hostile a state file and its journal are: reading answers with a state that is
/// whole (an id and a defined status for the queue and every job, and it writes back out and reads in again the
/// same), or with nothing when there is no file, or refuses with the store's own <see cref="StateStoreException"/>
/// (the document parser with a <see cref="FormatException"/>) — never with any other exception.
/// </summary>
internal sealed class StateReadOracle : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static void Document(byte[] document)
    {
        QueueState state;
        try
        {
            state = QueueStateJson.Deserialize(document);
        }
        catch (FormatException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            return;
        }

        Whole(state);

        // The status words read are the words written (Enum.TryParse alone takes "1", and "running,completed" as failed).
        var root = JsonDocument.Parse(document).RootElement;
        Assert.Equal(root.GetProperty("status").GetString(), state.Status.ToString(), ignoreCase: true);
        var jobs = root.TryGetProperty("jobs", out var array) ? array.EnumerateArray().ToList() : [];
        for (var i = 0; i < jobs.Count; i++)
        {
            Assert.Equal(jobs[i].GetProperty("status").GetString(), state.Jobs[i].Status.ToString(), ignoreCase: true);
        }
    }

    /// <summary><paramref name="journal"/> null: there is no journal file.</summary>
    public void Files(byte[] file, byte[]? journal)
    {
        // Properties run on several threads: each read gets files of its own.
        var path = _dir[Guid.NewGuid().ToString("N")];
        File.WriteAllBytes(path, file);
        if (journal is not null)
        {
            File.WriteAllBytes(path + ".journal", journal);
        }

        QueueState? state;
        try
        {
            state = new DurableStateStore(path).LoadAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (StateStoreException e)
        {
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            return;
        }
        finally
        {
            Assert.Equal(file, File.ReadAllBytes(path)); // a state that cannot be read is left exactly as it is
            File.Delete(path);
            File.Delete(path + ".journal");
        }

        Assert.NotNull(state);
        Whole(state);
    }

    private static void Whole(QueueState state)
    {
        Assert.False(string.IsNullOrEmpty(state.QueueId));
        Assert.NotNull(state.QueueName);
        Assert.True(Enum.IsDefined(state.Status), $"queue status {(int)state.Status}");
        Assert.NotNull(state.Jobs);
        foreach (var job in state.Jobs)
        {
            Assert.NotNull(job);
            Assert.NotNull(job.JobId);
            Assert.True(Enum.IsDefined(job.Status), $"status {(int)job.Status} of job {job.JobId}");
        }

        var written = QueueStateJson.Serialize(state);
        Assert.Equal(written, QueueStateJson.Serialize(QueueStateJson.Deserialize(written)));
    }
}
