using Spawn.Core.Ports;
using Spawn.Core.State;

namespace Spawn.Aws.Tests;

internal static class States
{
    public static QueueState Running(string queueId, int step) => new(
        queueId,
        queueId,
        QueueStatus.Running,
        DateTimeOffset.UnixEpoch,
        DateTimeOffset.UnixEpoch.AddSeconds(step),
        [new JobState("train", JobStatus.Running, 1, DateTimeOffset.UnixEpoch, Pid: 100 + step), JobState.NotStarted("eval")]);
}

/// <summary>The simplest real state store: the state file's bytes in a file.</summary>
internal sealed class FileStateStore(string path) : IStateStore
{
    public string Location => path;

    public async Task<QueueState?> LoadAsync(CancellationToken cancellationToken) =>
        File.Exists(path) ? QueueStateJson.Deserialize(await File.ReadAllBytesAsync(path, cancellationToken)) : null;

    public Task SaveAsync(QueueState state, CancellationToken cancellationToken) =>
        File.WriteAllBytesAsync(path, QueueStateJson.Serialize(state), cancellationToken);
}

/// <summary>Counts the PUTs that reach the real store underneath.</summary>
internal sealed class CountingResultStore(IResultStore inner) : IResultStore
{
    private int puts;

    public int Puts => Volatile.Read(ref puts);

    public string Location => inner.Location;

    public Task PutFileAsync(string key, string localPath, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref puts);
        return inner.PutFileAsync(key, localPath, cancellationToken);
    }

    public Task PutBytesAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref puts);
        return inner.PutBytesAsync(key, content, cancellationToken);
    }
}

/// <summary>A TextWriter that tests can read while another thread writes to it.</summary>
internal sealed class SharedLog : StringWriter
{
    private readonly Lock gate = new();

    public override void Write(char value)
    {
        lock (gate)
        {
            base.Write(value);
        }
    }

    public override void Write(string? value)
    {
        lock (gate)
        {
            base.Write(value);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (gate)
        {
            base.WriteLine(value);
        }
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public string Text
    {
        get
        {
            lock (gate)
            {
                return ToString();
            }
        }
    }
}

internal static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {within.TotalSeconds} s: {what}");
            }

            await Task.Delay(25);
        }
    }
}
