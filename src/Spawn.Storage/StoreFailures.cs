using Spawn.Core.Ports;

namespace Spawn.Storage;

/// <summary>
/// The files of one job that the store refused, grouped by cause: with no credentials or no access every file fails
/// alike, and the job's <c>error_message</c> says why once, then which files (not the same paragraph per file).
/// </summary>
internal sealed class StoreFailures
{
    private readonly Dictionary<string, List<string>> _byCause = new(StringComparer.Ordinal);

    public void Add(string key, ResultStoreException error)
    {
        if (!_byCause.TryGetValue(error.Cause, out var keys))
        {
            _byCause[error.Cause] = keys = [];
        }

        keys.Add(key);
    }

    /// <summary>One problem per cause: "could not be stored (out.txt, stdout.log): CAUSE".</summary>
    public IEnumerable<string> Problems() =>
        _byCause.Select(pair => $"{Files(pair.Value)} could not be stored: {pair.Key}");

    private static string Files(List<string> keys) => keys.Count == 1 ? keys[0] : $"{keys.Count} files ({string.Join(", ", keys)})";
}
