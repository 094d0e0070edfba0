using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Spawn.Core.Ports;

namespace Spawn.Execution;

/// <summary>
/// The agent's end of <see cref="AttemptLauncher"/>: one launcher process, requests written to its stdin, and a reader
/// that turns its replies into the start of each attempt and, later, its exit code. Attempts are started one at a
/// time, in order; the launcher waits for each before it reads the next request, so a request to start after the
/// running attempt (<see cref="StartAfter"/>) waits in its input until that one ends.
/// </summary>
internal sealed class JobLauncher : IAsyncDisposable
{
    private const string BashEnv = "BASH_ENV";

    /// <summary>
    /// The largest request sent to wait in the launcher's input while an attempt runs. A pipe holds at least one page
    /// (4 KiB), so it always fits with a withdrawal behind it, and neither write can block: a blocked write would hold
    /// up the agent until the running attempt ends, timeout or not.
    /// </summary>
    private const int MaxWaitingRequest = 2048;

    private readonly Process _process;
    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<int>> _exits = new();
    private readonly Lock _writing = new();
    private TaskCompletionSource<LaunchedAttempt?>? _pendingStart;

    /// <summary>Set once the replies ended, before anything waiting learns of it.</summary>
    private volatile bool _ended;

    /// <summary>The agent's BASH_ENV, which the launcher is started without and every attempt gets back.</summary>
    private readonly string? _bashEnv;

    private JobLauncher(Process process, string? bashEnv)
    {
        _process = process;
        _bashEnv = bashEnv;
        StartReading();
    }

    /// <summary>False once the launcher is gone (killed, or its pipe closed): a new one must be started.</summary>
    public bool IsRunning => !_ended;

    public static JobLauncher Start(LauncherCommand command)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The launcher must not hand the user's BASH_ENV to every job; each attempt gets it with its variables instead.
        start.Environment.Remove(BashEnv, out var bashEnv);
        return new JobLauncher(Process.Start(start) ?? throw new IOException($"{command.FileName} did not start"), bashEnv);
    }

    /// <summary>
    /// Takes this launcher for one start if it runs no attempt now (nor has one asked for): true, and the caller must
    /// then call <see cref="StartAsync"/>. A launcher runs one attempt at a time; jobs side by side take one each.
    /// </summary>
    public bool TryReserve()
    {
        if (!IsRunning || !_starting.Wait(0))
        {
            return false;
        }

        if (_exits.IsEmpty)
        {
            return true;
        }

        _starting.Release();
        return false;
    }

    /// <summary>Starts one attempt (the launcher reserved by <see cref="TryReserve"/>) and returns once the launcher
    /// reports its pid, with a task for its exit code.</summary>
    /// <exception cref="IOException">The launcher is gone; nothing was started.</exception>
    public async Task<LaunchedAttempt> StartAsync(JobLaunch launch, string commandPrefix)
    {
        byte[] request;
        try
        {
            request = Request(launch, commandPrefix, after: null).Encode();
        }
        catch
        {
            _starting.Release();
            throw;
        }

        // Not cancellable: once the request is out the attempt starts, and its pid must be known to be stopped.
        return await Send(request).ConfigureAwait(false) ?? throw new IOException("the job launcher declined a plain start");
    }

    /// <summary>
    /// Asks for <paramref name="launch"/> to start as soon as the attempt named <paramref name="previous"/>, which
    /// this launcher is waiting for, exits 0 by itself; the request is written before this returns. The task
    /// completes with the attempt once started, or null when the launcher declined it (or could not start it), or
    /// with an <see cref="IOException"/> when the launcher died first. Null at once if another start is under way.
    /// </summary>
    public Task<LaunchedAttempt?> StartAfter(string previous, JobLaunch launch, string commandPrefix)
    {
        byte[] request;
        try
        {
            request = Request(launch, commandPrefix, previous).Encode();
        }
        catch (IOException)
        {
            // A NUL in the command or a variable: a plain start of it reports that.
            return Task.FromResult<LaunchedAttempt?>(null);
        }

        return request.Length <= MaxWaitingRequest && _starting.Wait(0) ? Send(request) : Task.FromResult<LaunchedAttempt?>(null);
    }

    /// <summary>
    /// Tells the launcher not to start <paramref name="attemptName"/> after all. Written before the attempt it was to
    /// follow is signalled, it is in the launcher's input by the time that one ends.
    /// </summary>
    public void Withdraw(string attemptName)
    {
        try
        {
            Write(new Withdrawal(attemptName).Encode());
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The launcher is gone, and with it the request.
        }
    }

    /// <summary>Writes a start request (the caller holds <see cref="_starting"/>) and returns what it comes to.</summary>
    private async Task<LaunchedAttempt?> Send(byte[] request)
    {
        try
        {
            var pending = new TaskCompletionSource<LaunchedAttempt?>();
            Volatile.Write(ref _pendingStart, pending);
            if (!IsRunning)
            {
                throw new IOException("the job launcher has ended");
            }

            Write(request);
            return await pending.Task.ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _pendingStart, null);
            _starting.Release();
        }
    }

    /// <summary>One message in one write. A plain start is read at once (the launcher is idle); a request that waits
    /// is small enough never to block (<see cref="MaxWaitingRequest"/>).</summary>
    private void Write(byte[] bytes)
    {
        lock (_writing)
        {
            var requests = _process.StandardInput.BaseStream;
            requests.Write(bytes);
            requests.Flush();
        }
    }

    /// <summary>
    /// Closes the launcher's stdin and leaves it be: it ends by itself once it is idle, and an attempt still running
    /// keeps it alive so that its exit is recorded for the agent that adopts it.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private LaunchRequest Request(JobLaunch launch, string commandPrefix, string? after)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_bashEnv is { } agentBashEnv)
        {
            variables[BashEnv] = agentBashEnv;
        }

        foreach (var (name, value) in launch.Environment)
        {
            variables[name] = value;
        }

        // Full paths: the attempt starts in the job's working directory, not the agent's.
        return new LaunchRequest(
            Path.GetFullPath(launch.StdoutPath),
            Path.GetFullPath(launch.StderrPath),
            AttemptRecords.RecordFile(launch.ExitStatusPath),
            AttemptRecords.Name(launch.ExitStatusPath),
            Path.GetFullPath(launch.WorkingDirectory),
            commandPrefix + launch.Command,
            [.. variables.Select(v => $"{v.Key}={v.Value}")],
            after);
    }

    /// <summary>
    /// A thread of its own, blocked in read(2) until the launcher writes: the kernel wakes it directly, and what waits
    /// for a reply runs on it at once. Through the thread pool a reply took three thread wake-ups before the runner
    /// saw it, each one CPU time taken from the job that had just started.
    /// </summary>
    private void StartReading() => new Thread(ReadReplies) { IsBackground = true, Name = "launcher replies" }.Start();

    private void ReadReplies()
    {
        try
        {
            while (_process.StandardOutput.ReadLine() is { } line)
            {
                Dispatch(line);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Treated as the launcher's end, below.
        }

        // Whatever was still waiting learns that no reply will come; a running attempt is then watched through /proc.
        _ended = true;
        var gone = new IOException("the job launcher ended");
        Volatile.Read(ref _pendingStart)?.TrySetException(gone);
        foreach (var exit in _exits.Values)
        {
            exit.TrySetException(gone);
        }
    }

    private void Dispatch(string line)
    {
        if (line.StartsWith("e ", StringComparison.Ordinal))
        {
            // Nothing was started (a log or the working directory could not be opened): the attempt fails, as a
            // command that cannot start does.
            Volatile.Read(ref _pendingStart)?.TrySetException(new Win32Exception(line[2..]));
            return;
        }

        if (line == "d")
        {
            Volatile.Read(ref _pendingStart)?.TrySetResult(null);
            return;
        }

        switch (line.Split(' '))
        {
            case ["s", var pid, var startTime]:
                var exit = new TaskCompletionSource<int>();
                _exits[Number(pid)] = exit;
                Volatile.Read(ref _pendingStart)?.TrySetResult(new LaunchedAttempt(Number(pid), ulong.Parse(startTime, CultureInfo.InvariantCulture), exit.Task));
                break;
            case ["x", var pid, var code] when _exits.TryRemove(Number(pid), out var exited):
                exited.TrySetResult(Number(code));
                break;
        }
    }

    private static int Number(string text) => int.Parse(text, CultureInfo.InvariantCulture);
}

/// <summary>An attempt the launcher started: its identity, and its exit code once the launcher reports it.</summary>
internal sealed record LaunchedAttempt(int Pid, ulong StartTime, Task<int> Exit);
