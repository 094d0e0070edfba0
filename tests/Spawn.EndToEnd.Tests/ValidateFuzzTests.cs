using System.Text.RegularExpressions;
using Spawn.Tests.Fuzzing;

namespace Spawn.EndToEnd.Tests;

/// <summary>Generated queue files, mostly bad, through the real <c>spawn queue validate</c>: what a user sees of the fuzzed parser.</summary>
public sealed class ValidateFuzzTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public void Any_queue_file_exits_0_or_2_and_every_error_line_starts_with_file_line_column() =>
        QueueFileGen.File.Fuzz(
            bytes =>
            {
                // Inputs are checked on several threads at once: each gets its own file.
                var file = _ws.Path_($"fuzz-{Guid.NewGuid():N}.json");
                File.WriteAllBytes(file, bytes);

                var result = _ws.SpawnAsync("queue", "validate", file).GetAwaiter().GetResult();

                Assert.True(result.ExitCode is 0 or 2, result.ToString());
                Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
                var errors = result.Stderr.Length == 0 ? [] : result.Stderr.TrimEnd('\n').Split('\n');
                Assert.Equal(result.ExitCode == 0, errors.Length == 0);
                Assert.All(errors, line => Assert.Matches($"^{Regex.Escape(file)}:[0-9]+:[0-9]+: error: ", line));
            },
            iterations: 30);
}
