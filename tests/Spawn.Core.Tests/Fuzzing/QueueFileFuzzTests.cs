using System.Text;
using CsCheck;
using Spawn.Tests.Fuzzing;

namespace Spawn.Core.Tests.Fuzzing;

/// <summary>
/// Fuzzing of the queue-file parser and validator (<see cref="QueueFileOracle"/> says what must hold). The iteration
/// count comes from <c>SPAWN_FUZZ_ITERATIONS</c>; <c>scripts/fuzz.sh</c> runs these for longer.
/// </summary>
public sealed class QueueFileFuzzTests
{
    [Fact]
    public void Generated_queue_files_are_accepted_or_rejected_with_located_errors() =>
        QueueFileGen.File.Fuzz(QueueFileOracle.Holds);

    [Fact]
    public void Mutated_example_files_are_accepted_or_rejected_with_located_errors() =>
        ByteMutations.Of(QueueCorpus.Files).Fuzz(QueueFileOracle.Holds);

    [Fact]
    public void Random_bytes_are_rejected_with_located_errors() =>
        Gen.Byte.Array[0, 300].Fuzz(QueueFileOracle.Holds);

    [Fact]
    public void Random_text_of_JSON_characters_is_rejected_with_located_errors() =>
        Gen.String[Gen.Char["{}[]\":,0123456789.eE+-tfnrulsajobid_ \n\t/*\\"], 0, 200]
            .Select(Encoding.UTF8.GetBytes)
            .Fuzz(QueueFileOracle.Holds);

    [Fact]
    public void Every_example_cut_short_at_any_byte_is_rejected_with_located_errors()
    {
        foreach (var file in QueueCorpus.Files)
        {
            for (var length = 0; length < file.Length; length++)
            {
                QueueFileOracle.Holds(file[..length]);
            }
        }
    }
}
