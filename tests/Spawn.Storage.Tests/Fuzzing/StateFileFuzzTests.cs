using CsCheck;
using Spawn.Tests.Fuzzing;

namespace Spawn.Storage.Tests.Fuzzing;

/// <summary>
/// Fuzzing of the state-file reader with hostile state files and journals (<see cref="StateReadOracle"/> says what
/// must hold). The iteration count comes from <c>SPAWN_FUZZ_ITERATIONS</c>; <c>scripts/fuzz.sh</c> runs these for longer.
/// </summary>
public sealed class StateFileFuzzTests : IDisposable
{
    private readonly StateReadOracle _oracle = new();

    public void Dispose() => _oracle.Dispose();

    [Fact]
    public void Generated_state_documents_are_read_whole_or_refused_with_a_FormatException() =>
        StateFileGen.Document.Fuzz(StateReadOracle.Document);

    [Fact]
    public void Generated_state_files_and_journals_are_read_whole_or_refused_with_a_StateStoreException() =>
        Fuzz(Gen.Select(StateFileGen.Document, StateFileGen.Journal.Null()));

    [Fact]
    public void Mutated_real_state_files_and_journals_are_read_whole_or_refused_with_a_StateStoreException() =>
        Fuzz(Gen.Select(ByteMutations.Of(StateCorpus.Files), ByteMutations.Of(StateCorpus.Journals), Gen.Int[0, 2])
            .Select(x => x.Item3 switch
            {
                // The damage in the file alone, in the journal alone, or in both.
                0 => (x.Item1, StateCorpus.Journals[^1]),
                1 => (StateCorpus.Files[^1], x.Item2),
                _ => (x.Item1, (byte[]?)x.Item2),
            }));

    [Fact]
    public void Random_bytes_as_a_state_file_and_journal_are_refused_with_a_StateStoreException() =>
        Fuzz(Gen.Select(Gen.Byte.Array[0, 300], Gen.Byte.Array[0, 300].Null()));

    private void Fuzz(Gen<(byte[] File, byte[]? Journal)> files) =>
        files.Fuzz(
            x => _oracle.Files(x.File, x.Journal),
            x => $"state file {FuzzRun.Show(x.File)}\njournal {(x.Journal is null ? "none" : FuzzRun.Show(x.Journal))}");
}
