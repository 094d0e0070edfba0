namespace Spawn.Execution;

/// <summary>
/// The record file its owner (the launcher, or the agent's executor) appends to, kept open from one attempt to the
/// next: every attempt of a run names the same <c>attempts.log</c>, and opening it for each line cost two system
/// calls more per line. Reopened when a request names another file. One caller at a time.
/// </summary>
internal sealed class OpenRecordFile : IDisposable
{
    private AppendOnlyFile? _file;

    /// <exception cref="IOException">The file cannot be opened or created.</exception>
    public AppendOnlyFile For(string path)
    {
        if (_file?.Path != path)
        {
            _file?.Dispose();
            _file = null;
            _file = AppendOnlyFile.Open(path);
        }

        return _file;
    }

    public void Dispose() => _file?.Dispose();
}
