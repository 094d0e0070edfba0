using System.Globalization;
using System.Runtime.InteropServices;

namespace Spawn.Execution;

/// <summary>
/// Starts <c>/bin/bash -c COMMAND</c> for a request with <c>posix_spawn</c>: a vfork and one exec, where a shell's fork
/// of itself cost about a millisecond more per attempt. The child gets its own process group (which exists before its
/// pid is known, so a timeout can always signal it), stdin from /dev/null, stdout and stderr appended to the logs
/// (earlier attempts are kept, and no pipe runs through the agent), every signal at its default disposition and
/// none blocked, and the launcher's environment with the request's variables over it.
/// </summary>
internal sealed unsafe class AttemptSpawner : IDisposable
{
    private const string Bash = "/bin/bash";

    private readonly SpawnEnvironment _environment = new();
    private readonly void* _attributes = NativeMemory.AllocZeroed(Libc.OpaqueSize);
    private readonly void* _signals = NativeMemory.AllocZeroed(Libc.OpaqueSize);
    private readonly nint _bash = Marshal.StringToCoTaskMemUTF8(Bash);
    private readonly nint _dashC = Marshal.StringToCoTaskMemUTF8("-c");

    public AttemptSpawner()
    {
        Check(Libc.posix_spawnattr_init(_attributes));
        Check(Libc.posix_spawnattr_setflags(_attributes, Libc.POSIX_SPAWN_SETPGROUP | Libc.POSIX_SPAWN_SETSIGDEF | Libc.POSIX_SPAWN_SETSIGMASK));
        Check(Libc.posix_spawnattr_setpgroup(_attributes, 0));

        // Handled signals go back to their defaults in any case; the ignored ones must be named. glibc's own set
        // functions refuse its two internal signals (32 and 33), which its posix_spawn otherwise hands to the child
        // ignored, so the mask is written directly: bit n-1 is signal n.
        Check(Libc.sigemptyset(_signals));
        *(ulong*)_signals = IgnoredSignals() | (1UL << 31) | (1UL << 32);
        Check(Libc.posix_spawnattr_setsigdefault(_attributes, _signals));
        Check(Libc.sigemptyset(_signals));
        Check(Libc.posix_spawnattr_setsigmask(_attributes, _signals));
    }

    /// <summary>The child's pid, or the error number that kept it from starting (a log that cannot be opened, say).</summary>
    public (int Pid, int Error) Spawn(LaunchRequest request)
    {
        var fileActions = NativeMemory.AllocZeroed(Libc.OpaqueSize);
        var allocated = new List<nint>();
        try
        {
            Check(Libc.posix_spawn_file_actions_init(fileActions));
            Check(Libc.posix_spawn_file_actions_addopen(fileActions, 0, "/dev/null", Libc.O_RDONLY, 0));
            Check(Libc.posix_spawn_file_actions_addopen(fileActions, 1, request.StdoutLog, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND, Libc.LogFileMode));
            Check(Libc.posix_spawn_file_actions_addopen(fileActions, 2, request.StderrLog, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND, Libc.LogFileMode));

            var argv = new nint[] { _bash, _dashC, Allocate(request.Command, allocated), 0 };
            var envp = _environment.For(request.Variables, allocated);
            fixed (nint* argvPointer = argv)
            fixed (nint* envpPointer = envp)
            {
                var error = Libc.posix_spawn(out var pid, Bash, fileActions, _attributes, argvPointer, envpPointer);
                return error == 0 ? (pid, 0) : (0, error);
            }
        }
        finally
        {
            Libc.posix_spawn_file_actions_destroy(fileActions);
            NativeMemory.Free(fileActions);
            foreach (var pointer in allocated)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }

    public void Dispose()
    {
        Libc.posix_spawnattr_destroy(_attributes);
        NativeMemory.Free(_signals);
        NativeMemory.Free(_attributes);
        Marshal.FreeCoTaskMem(_bash);
        Marshal.FreeCoTaskMem(_dashC);
        _environment.Dispose();
    }

    /// <summary>The signals this process ignores (SigIgn in /proc/self/status: its own, and any it inherited).</summary>
    private static ulong IgnoredSignals()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private static nint Allocate(string text, List<nint> allocated)
    {
        var pointer = Marshal.StringToCoTaskMemUTF8(text);
        allocated.Add(pointer);
        return pointer;
    }

    private static void Check(int result)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"posix_spawn setup failed: {Libc.ErrorText(result)}");
        }
    }
}
