using System.Diagnostics;
using Spawn.Core.Ports;

namespace Spawn.Storage.Tests;

/// <summary>
/// Collection stays inside <c>jobs/{job_id}/</c>, takes only regular files, ends on symlink loops, and reads
/// relative patterns from the job's working directory — whatever the job left behind.
/// </summary>
public sealed class ResultContainmentTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _dir = new();
    private readonly string _stdout;
    private readonly string _stderr;

    public ResultContainmentTests()
    {
        _stdout = _dir.Write("logs/J-stdout.log", "out\n");
        _stderr = _dir.Write("logs/J-stderr.log", "err\n");
        Directory.CreateDirectory(_dir["work"]);
    }

    public void Dispose() => _dir.Dispose();

    private string Stored(string relative) => _dir[$"results/p/jobs/{relative}"];

    private IReadOnlyList<string> UploadedKeys() =>
        Directory.GetFiles(Stored("J"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Stored("J"), f))
            .Order(StringComparer.Ordinal)
            .ToList();

    private Task<ResultCollection> Collect(params string[] resultPaths) => Collect(CancellationToken.None, resultPaths);

    private Task<ResultCollection> Collect(CancellationToken cancellationToken, params string[] resultPaths) =>
        new ResultCollector(new DirectoryResultStore(_dir["results"], "p"), _dir["work"])
            .CollectAsync(Jobs.WithResults("J", resultPaths), true, _stdout, _stderr, cancellationToken)
            .WaitAsync(Bound, cancellationToken);

    private static async Task Run(string program, params string[] arguments)
    {
        using var process = Process.Start(program, arguments);
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task A_directory_followed_by_dot_dot_cannot_overwrite_another_jobs_log()
    {
        var othersLog = _dir.Write("results/p/jobs/K/stdout.log", "K's own log\n");
        _dir.Write("work/K/stdout.log", "forged\n");
        Directory.CreateDirectory(_dir["work/out"]);

        var result = await Collect(_dir["work/out/.."]);

        Assert.True(result.Uploaded, result.Problem);
        Assert.Equal("K's own log\n", await File.ReadAllTextAsync(othersLog));
        Assert.Equal("forged\n", await File.ReadAllTextAsync(Stored("J/work/K/stdout.log")));
        Assert.Equal(["stderr.log", "stdout.log", Path.Combine("work", "K", "stdout.log")], UploadedKeys());
    }

    [Fact]
    public async Task Dot_dot_after_a_wildcard_is_reported_and_nothing_leaves_the_jobs_folder()
    {
        _dir.Write("work/a/x.txt", "x");

        var result = await Collect(_dir["work/*/../a/x.txt"]);

        Assert.False(result.Uploaded);
        Assert.Contains("\"..\" after a wildcard is not supported", result.Problem);
        Assert.Equal(["stderr.log", "stdout.log"], UploadedKeys());
    }

    [Theory]
    [InlineData("*.json")]
    [InlineData("./*.json")]
    [InlineData("metrics.json")]
    [InlineData("./metrics.json")]
    public async Task A_relative_pattern_is_read_from_the_jobs_working_directory(string pattern)
    {
        _dir.Write("work/metrics.json", "{}");

        var result = await Collect(pattern);

        Assert.Equal(new ResultCollection(true, null), result);
        Assert.Equal(["metrics.json", "stderr.log", "stdout.log"], UploadedKeys());
    }

    [Fact]
    public async Task A_symlink_loop_under_double_star_ends_quickly_with_a_note()
    {
        _dir.Write("work/tree/a/model.pt", "weights");
        File.CreateSymbolicLink(_dir["work/tree/a/up"], _dir["work/tree"]);
        File.CreateSymbolicLink(_dir["work/tree/self"], ".");

        var result = await Collect(_dir["work/tree/**"]);

        Assert.True(result.Uploaded, result.Problem);
        Assert.Contains("already walked (a symlink loop?)", result.Problem);
        Assert.Equal([Path.Combine("a", "model.pt"), "stderr.log", "stdout.log"], UploadedKeys());
    }

    [Fact]
    public async Task A_device_as_a_result_is_reported_not_copied()
    {
        var result = await Collect("/dev/zero");

        Assert.False(result.Uploaded);
        Assert.Contains("/dev/zero could not be read: not a regular file", result.Problem);
        Assert.Equal(["stderr.log", "stdout.log"], UploadedKeys());
    }

    [Fact]
    public async Task A_device_matched_by_a_wildcard_is_reported_not_copied()
    {
        var result = await Collect("/dev/zer?");

        Assert.False(result.Uploaded);
        Assert.Contains("/dev/zero could not be read: not a regular file", result.Problem);
    }

    [Fact]
    public async Task A_file_name_that_is_not_utf8_is_reported_by_name()
    {
        _dir.Write("work/good.bin", "fine");
        await Run("bash", "-c", $"printf x > {_dir["work"]}/$'\\xff'.bin");

        ResultCollection result;
        try
        {
            result = await Collect("*.bin");
        }
        finally
        {
            // .NET cannot name the file to delete it either.
            await Run("bash", "-c", $"rm {_dir["work"]}/$'\\xff'.bin");
        }

        Assert.False(result.Uploaded);
        Assert.Contains("its name is not valid UTF-8, so it was not collected", result.Problem);
        Assert.Equal(["good.bin", "stderr.log", "stdout.log"], UploadedKeys());
    }

    [Fact]
    public async Task A_symlinked_file_is_collected_as_its_targets_content_under_the_links_name()
    {
        _dir.Write("elsewhere/real.pt", "weights");
        File.CreateSymbolicLink(_dir["work/model.pt"], _dir["elsewhere/real.pt"]);

        var result = await Collect("*.pt");

        Assert.Equal(new ResultCollection(true, null), result);
        Assert.Equal("weights", await File.ReadAllTextAsync(Stored("J/model.pt")));
    }
}
