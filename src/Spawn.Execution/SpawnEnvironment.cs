using System.Collections;
using System.Runtime.InteropServices;

namespace Spawn.Execution;

/// <summary>
/// The environment every attempt starts from (the launcher's own, which is the agent's without BASH_ENV), turned into
/// C strings once; each spawn adds only its request's variables, which replace entries of the same name.
/// </summary>
internal sealed class SpawnEnvironment : IDisposable
{
    private readonly (string Name, nint Entry)[] _base;

    public SpawnEnvironment()
    {
        var entries = new List<(string, nint)>();
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            var name = (string)variable.Key;
            entries.Add((name, Marshal.StringToCoTaskMemUTF8($"{name}={variable.Value}")));
        }

        _base = [.. entries];
    }

    /// <summary>The NULL-terminated <c>envp</c> for one attempt; what it allocates is added to <paramref name="allocated"/>.</summary>
    public nint[] For(IReadOnlyList<string> variables, List<nint> allocated)
    {
        var replaced = new HashSet<string>(StringComparer.Ordinal);
        var envp = new List<nint>(_base.Length + variables.Count + 1);
        foreach (var variable in variables)
        {
            replaced.Add(variable[..variable.IndexOf('=', StringComparison.Ordinal)]);
            var entry = Marshal.StringToCoTaskMemUTF8(variable);
            allocated.Add(entry);
            envp.Add(entry);
        }

        foreach (var (name, entry) in _base)
        {
            if (!replaced.Contains(name))
            {
                envp.Add(entry);
            }
        }

        envp.Add(0);
        return [.. envp];
    }

    public void Dispose()
    {
        foreach (var (_, entry) in _base)
        {
            Marshal.FreeCoTaskMem(entry);
        }
    }
}
