using System.Runtime.InteropServices;

namespace Spawn.Execution;

/// <summary>
/// Starts <c>/bin/bash -c COMMAND</c> for a request with <c>posix_spawn</c>: a vfork and one exec, where a shell's fork
/// of itself cost about a millisecond more per attempt. The child gets its own process group (which exists before its
/// pid is known, so a timeout can always signal it), stdin from /dev/null, stdout and stderr appended to the logs
/// (earlier attempts are kept, and no pipe runs through the agent), every signal at its default disposition and
/// none blocked, and the launcher's environment with the request's variables over it.
/// </summary>
internal static unsafe class AttemptSpawner
{
    private const string Bash = "/bin/bash";

    /// <summary>The child's pid, or the error number that kept it from starting (a log that cannot be opened, say).</summary>
    public static (int Pid, int Error) Spawn(LaunchRequest request, IReadOnlyDictionary<string, string> environment)
    {
        var attributes = NativeMemory.AllocZeroed(Libc.OpaqueSize);
        var fileActions = NativeMemory.AllocZeroed(Libc.OpaqueSize);
        var signals = NativeMemory.AllocZeroed(Libc.OpaqueSize);
        var strings = new List<nint>();
        try
        {
            Check(Libc.posix_spawnattr_init(attributes));
            Check(Libc.posix_spawnattr_setflags(attributes, Libc.POSIX_SPAWN_SETPGROUP | Libc.POSIX_SPAWN_SETSIGDEF | Libc.POSIX_SPAWN_SETSIGMASK));
            Check(Libc.posix_spawnattr_setpgroup(attributes, 0));
            Check(Libc.sigfillset(signals));

            // glibc leaves out its two internal signals (32 and 33), and its posix_spawn then gives the child them
            // ignored, which exec keeps; set in this set, they are reset like the rest (bit n-1 is signal n).
            *(ulong*)signals |= (1UL << 31) | (1UL << 32);
            Check(Libc.posix_spawnattr_setsigdefault(attributes, signals));
            Check(Libc.sigemptyset(signals));
            Check(Libc.posix_spawnattr_setsigmask(attributes, signals));

            Check(Libc.posix_spawn_file_actions_init(fileActions));
            Check(Libc.posix_spawn_file_actions_addopen(fileActions, 0, "/dev/null", Libc.O_RDONLY, 0));
            Check(Libc.posix_spawn_file_actions_addopen(fileActions, 1, request.StdoutLog, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND, Libc.NewFileMode));
            Check(Libc.posix_spawn_file_actions_addopen(fileActions, 2, request.StderrLog, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND, Libc.NewFileMode));

            var argv = NullTerminated([Bash, "-c", request.Command], strings);
            var envp = NullTerminated(Environment(request, environment), strings);
            fixed (nint* argvPointer = argv)
            fixed (nint* envpPointer = envp)
            {
                var error = Libc.posix_spawn(out var pid, Bash, fileActions, attributes, argvPointer, envpPointer);
                return error == 0 ? (pid, 0) : (0, error);
            }
        }
        finally
        {
            Libc.posix_spawn_file_actions_destroy(fileActions);
            Libc.posix_spawnattr_destroy(attributes);
            NativeMemory.Free(signals);
            NativeMemory.Free(fileActions);
            NativeMemory.Free(attributes);
            foreach (var pointer in strings)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }

    private static IEnumerable<string> Environment(LaunchRequest request, IReadOnlyDictionary<string, string> environment)
    {
        var merged = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        foreach (var variable in request.Variables)
        {
            var equals = variable.IndexOf('=', StringComparison.Ordinal);
            merged[variable[..equals]] = variable[(equals + 1)..];
        }

        return merged.Select(v => $"{v.Key}={v.Value}");
    }

    private static nint[] NullTerminated(IEnumerable<string> values, List<nint> strings)
    {
        var pointers = values.Select(value =>
        {
            var pointer = Marshal.StringToCoTaskMemUTF8(value);
            strings.Add(pointer);
            return pointer;
        }).ToList();
        pointers.Add(0);
        return [.. pointers];
    }

    private static void Check(int result)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"posix_spawn setup failed: {Libc.ErrorText(result)}");
        }
    }
}
