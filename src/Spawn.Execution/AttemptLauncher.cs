using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using static System.FormattableString;

namespace Spawn.Execution;

/// <summary>
/// The launcher: a hidden mode of the agent's own binary (<c>spored __spored-launcher</c>, and the same in
/// <c>spawn</c>), one per agent, in a session of its own. It reads <see cref="LaunchRequest"/>s on stdin and, one at
/// a time, starts the attempt (<see cref="AttemptSpawner"/>), answers <c>s PID STARTTIME</c>, waits for it and answers
/// <c>x PID EXITCODE</c> (128+N for a death by signal N, as a shell reports it), appending each fact to the request's
/// record file first (<see cref="AttemptRecords"/>). A start that fails is answered <c>e MESSAGE</c>, and a request
/// to start after an attempt that did not exit 0 by itself is answered <c>d</c> (declined) and starts nothing.
/// </summary>
/// <remarks>
/// Why a process of its own: the record file outlives the agent. An agent that died and came back adopts the attempt
/// by its records, and the launcher, which the agent's death does not stop, still records the exit. So it ignores
/// the signals that end a session or a service's main process (the jobs get their own dispositions back), and a
/// reply the dead agent cannot read costs it nothing. It reads the next request only after the attempt ended, and
/// ends itself at the end of its input. An attempt asked for "after" the running one is waiting in its input when that
/// one ends, and starts without the agent in between: a chain of short jobs then pays for one process hop per job,
/// as make does, not three.
/// </remarks>
public static class AttemptLauncher
{
    /// <summary>The argument that turns <c>spored</c> or <c>spawn</c> into the launcher.</summary>
    public const string Verb = "__spored-launcher";

    public static int Run()
    {
        // The session is also how an attempt is found should this launcher die before recording its pid
        // (LauncherSession): without one of its own, it must not start anything.
        if (Libc.setsid() < 0)
        {
            Console.Error.WriteLine($"spored launcher: cannot start a session of its own: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
            return 1;
        }

        foreach (var signal in new[] { Libc.SIGHUP, Libc.SIGINT, Libc.SIGQUIT, Libc.SIGTERM })
        {
            Libc.signal(signal, Libc.SIG_IGN);
        }

        // What a job leaves behind when its parent exits (a daemon's double fork, `nohup cmd &`) is re-parented here
        // rather than to init, and reaped here, so that it never piles up as zombies in the agent, which is a
        // subreaper itself for the attempts of a launcher that died.
        Libc.prctl(Libc.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

        using var spawner = new AttemptSpawner();
        using var output = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        using var records = new OpenRecordFile();
        var input = new LauncherInput(0);
        var replies = new LauncherReplies(output);
        Ended? ended = null;
        while (true)
        {
            if (!input.HasWaiting())
            {
                replies.Flush();
                ReapOrphans();
            }

            if (input.Next() is not { } message)
            {
                break;
            }

            // A withdrawal read here came too late to matter: what it named was started, or declined, already.
            if (message is not LaunchRequest request)
            {
                continue;
            }

            var previous = ended;
            ended = null;
            if (request.After is { } after && !MayFollow(after, previous, request.AttemptName, input))
            {
                replies.Send("d");
                continue;
            }

            AppendOnlyFile recordFile;
            try
            {
                recordFile = records.For(request.RecordFile);
            }
            catch (IOException e)
            {
                replies.Send($"e {e.Message}");
                continue;
            }

            ended = RunAttempt(request, spawner, recordFile, replies, input);
        }

        replies.Flush();
        return 0;
    }

    /// <summary>
    /// An attempt asked for after another starts only if that one, the last this launcher waited for, exited 0 by
    /// itself. A withdrawal waiting in the input means the agent has signalled it, or is about to; an agent that is
    /// gone cannot take the attempt in, and its successor decides instead.
    /// </summary>
    private static bool MayFollow(string after, Ended? previous, string attemptName, LauncherInput input) =>
        previous is { Code: 0 } last && last.AttemptName == after && input.MayStart(attemptName);

    /// <summary>Starts the attempt and waits for it; null when it could not be started.</summary>
    private static Ended? RunAttempt(LaunchRequest request, AttemptSpawner spawner, AppendOnlyFile records, LauncherReplies replies, LauncherInput input)
    {
        if (Libc.chdir(request.WorkingDirectory) != 0)
        {
            replies.Send(Invariant($"e cannot enter {request.WorkingDirectory}: {Libc.ErrorText(Marshal.GetLastPInvokeError())}"));
            return null;
        }

        // Before the spawn: should this launcher die before it records the pid, the agent knows an attempt may be
        // running, and looks for it instead of starting the command again.
        records.AppendLine(Invariant($"p {request.AttemptName} {System.Environment.ProcessId}"));

        // Whether the agent that asked is still there, checked after the p line and not before, so that this launcher
        // and the next agent never both start the attempt: an agent that comes back after the one that asked died
        // finds either an n line (this launcher saw the death and declined) or a p line whose launcher lives on and is
        // about to record its s line, which it waits for (BashJobExecutor.AdoptAsync) instead of starting it again.
        if (!input.AgentPresent())
        {
            records.AppendLine(Invariant($"n {request.AttemptName}"));
            replies.Send("d");
            return null;
        }

        var (pid, error) = spawner.Spawn(request);
        if (pid == 0)
        {
            replies.Send(Invariant($"e cannot start /bin/bash: {Libc.ErrorText(error)}"));
            return null;
        }

        // Read before the wait: until it is reaped, the child's /proc entry stays, even if it already ended.
        var startTime = ProcStat.TryRead(pid)?.StartTime ?? 0;
        records.AppendLine(Invariant($"s {request.AttemptName} {pid} {startTime}"));
        replies.Send(Invariant($"s {pid} {startTime}"));

        var code = WaitForExit(pid);
        records.AppendLine(Invariant($"x {request.AttemptName} {pid} {code}"));
        replies.Hold(Invariant($"x {pid} {code}"));
        return new Ended(request.AttemptName, code);
    }

    /// <summary>Waits for the attempt, reaping any orphan that ends meanwhile.</summary>
    private static int WaitForExit(int pid)
    {
        while (true)
        {
            var ended = Libc.waitpid(-1, out var status, 0);
            if (ended == pid)
            {
                return Libc.ExitCode(status);
            }

            if (ended < 0 && Marshal.GetLastPInvokeError() != Libc.EINTR)
            {
                // Not our child any more (only if something reaped it for us): reported as an attempt that vanished
                // without a record is, 137.
                return 128 + ProcessGroup.SIGKILL;
            }
        }
    }

    /// <summary>Reaps the orphans that ended while no attempt ran (the agent stops what a job left behind).</summary>
    private static void ReapOrphans()
    {
        while (Libc.waitpid(-1, out _, Libc.WNOHANG) > 0)
        {
        }
    }

    private sealed record Ended(string AttemptName, int Code);
}
