using Spawn.Core.State;

namespace Spawn.Storage.Tests.Fuzzing;

/// <summary>
/// Real state files and journals for mutation, as the store writes them: after each of a few events (the slotted
/// layout, changed in place), and the indented file a queue ends with.
/// </summary>
internal static class StateCorpus
{
    private static readonly (List<byte[]> Files, List<byte[]> Journals) Saved = Save();

    /// <summary>The last is the state file that goes with the last of <see cref="Journals"/>.</summary>
    public static IReadOnlyList<byte[]> Files => Saved.Files;

    public static IReadOnlyList<byte[]> Journals => Saved.Journals;

    private static (List<byte[]>, List<byte[]>) Save()
    {
        using var dir = new TempDirectory();
        var path = dir["queue-state.json"];
        var store = new DurableStateStore(path);
        var files = new List<byte[]>();
        var journals = new List<byte[]>();
        var state = States.Queue(4);
        for (var n = 1; n <= 6; n++)
        {
            state = States.Event(state, n);
            store.SaveAsync(state, CancellationToken.None).GetAwaiter().GetResult();
            files.Add(File.ReadAllBytes(path));
            journals.Add(File.ReadAllBytes(StateJournal.PathFor(path)));
        }

        var ended = state with { Status = QueueStatus.Failed, ErrorMessage = "job job-00001 failed" };
        new DurableStateStore(dir["ended.json"]).SaveAsync(ended, CancellationToken.None).GetAwaiter().GetResult();
        files.Insert(0, File.ReadAllBytes(dir["ended.json"]));
        return (files, journals);
    }
}
