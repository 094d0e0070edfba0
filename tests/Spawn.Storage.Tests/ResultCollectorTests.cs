using System.Diagnostics;
using Spawn.Core.Ports;

namespace Spawn.Storage.Tests;

public sealed class ResultCollectorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _stdout;
    private readonly string _stderr;

    public ResultCollectorTests()
    {
        _stdout = _dir.Write("logs/J-stdout.log", "out\n");
        _stderr = _dir.Write("logs/J-stderr.log", "err\n");
    }

    public void Dispose() => _dir.Dispose();

    private string Uploaded(string key) => _dir[$"results/p/jobs/J/{key}"];

    private IReadOnlyList<string> UploadedKeys() =>
        Directory.GetFiles(_dir["results/p/jobs/J"], "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_dir["results/p/jobs/J"], f))
            .Order(StringComparer.Ordinal)
            .ToList();

    private string WorkingDirectory => Directory.CreateDirectory(_dir["work"]).FullName;

    private Task<ResultCollection> Collect(bool completed, params string[] resultPaths) =>
        new ResultCollector(new DirectoryResultStore(_dir["results"], "p"), WorkingDirectory)
            .CollectAsync(Jobs.WithResults("J", resultPaths), completed, _stdout, _stderr, CancellationToken.None);

    [Fact]
    public async Task A_plain_file_keeps_its_base_name_next_to_the_logs()
    {
        var model = _dir.Write("work/models/model.pt", "weights");

        var result = await Collect(completed: true, model);

        Assert.Equal(new ResultCollection(true, null), result);
        Assert.Equal(["model.pt", "stderr.log", "stdout.log"], UploadedKeys());
        Assert.Equal("weights", await File.ReadAllTextAsync(Uploaded("model.pt")));
        Assert.Equal("out\n", await File.ReadAllTextAsync(Uploaded("stdout.log")));
        Assert.Equal("err\n", await File.ReadAllTextAsync(Uploaded("stderr.log")));
    }

    [Fact]
    public async Task A_star_pattern_uploads_each_match_under_its_name()
    {
        _dir.Write("work/models/a.pt", "a");
        _dir.Write("work/models/b.pt", "b");
        _dir.Write("work/models/notes.txt", "not a model");
        _dir.Write("work/models/deeper/c.pt", "not at this level");

        var result = await Collect(completed: true, _dir["work/models/*.pt"]);

        Assert.True(result.Uploaded);
        Assert.Equal(["a.pt", "b.pt", "stderr.log", "stdout.log"], UploadedKeys());
    }

    [Fact]
    public async Task A_double_star_pattern_keeps_the_path_below_the_fixed_leading_directory()
    {
        _dir.Write("logs-root/x/y/z.log", "deep");
        _dir.Write("logs-root/top.log", "top");
        _dir.Write("logs-root/x/skip.txt", "other");

        var result = await Collect(completed: true, _dir["logs-root/**/*.log"]);

        Assert.True(result.Uploaded);
        Assert.Equal(["stderr.log", "stdout.log", "top.log", Path.Combine("x", "y", "z.log")], UploadedKeys());
        Assert.Equal("deep", await File.ReadAllTextAsync(Uploaded("x/y/z.log")));
    }

    [Fact]
    public async Task A_question_mark_matches_exactly_one_character()
    {
        _dir.Write("out/part-1.csv", "1");
        _dir.Write("out/part-2.csv", "2");
        _dir.Write("out/part-10.csv", "10");
        _dir.Write("out/part-.csv", "none");

        var result = await Collect(completed: true, _dir["out/part-?.csv"]);

        Assert.True(result.Uploaded);
        Assert.Equal(["part-1.csv", "part-2.csv", "stderr.log", "stdout.log"], UploadedKeys());
    }

    [Fact]
    public async Task A_wildcard_in_a_middle_directory_keeps_the_path_from_that_directory_on()
    {
        _dir.Write("runs/r1/metrics.json", "1");
        _dir.Write("runs/r2/metrics.json", "2");
        _dir.Write("runs/r2/other.json", "x");

        var result = await Collect(completed: true, _dir["runs/r?/metrics.json"]);

        Assert.True(result.Uploaded);
        Assert.Equal([Path.Combine("r1", "metrics.json"), Path.Combine("r2", "metrics.json"), "stderr.log", "stdout.log"], UploadedKeys());
    }

    [Fact]
    public async Task A_pattern_that_matches_nothing_is_reported_but_does_not_fail_the_upload()
    {
        var model = _dir.Write("work/model.pt", "weights");
        var nothing = _dir["work/*.onnx"];

        var result = await Collect(completed: true, model, nothing);

        Assert.True(result.Uploaded);
        Assert.Equal($"result_paths[1] \"{nothing}\" matched no file", result.Problem);
        Assert.Equal(["model.pt", "stderr.log", "stdout.log"], UploadedKeys());
    }

    [Fact]
    public async Task A_matched_file_that_cannot_be_read_fails_the_upload_and_names_the_file()
    {
        _dir.Write("work/good.pt", "fine");
        var dangling = _dir["work/broken.pt"];
        File.CreateSymbolicLink(dangling, _dir["work/gone.pt"]);

        var result = await Collect(completed: true, _dir["work/*.pt"]);

        Assert.False(result.Uploaded);
        Assert.Contains(dangling, result.Problem);
        Assert.Contains("No such file or directory", result.Problem);
        Assert.Equal(["good.pt", "stderr.log", "stdout.log"], UploadedKeys());
    }

    [Fact]
    public async Task A_named_pipe_among_the_results_is_refused_instead_of_waiting_for_a_writer()
    {
        var fifo = _dir["work/stream.pt"];
        Directory.CreateDirectory(_dir["work"]);
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var result = await Collect(completed: true, _dir["work/*.pt"]).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(result.Uploaded);
        Assert.Contains($"{fifo} could not be read: not a regular file", result.Problem);
    }

    [Fact]
    public async Task A_failed_job_uploads_only_its_logs()
    {
        _dir.Write("work/model.pt", "weights");

        var result = await Collect(completed: false, _dir["work/model.pt"], _dir["work/*.pt"]);

        Assert.Equal(new ResultCollection(true, null), result);
        Assert.Equal(["stderr.log", "stdout.log"], UploadedKeys());
    }

    [Fact]
    public async Task A_log_the_job_never_wrote_is_skipped_rather_than_uploaded_empty()
    {
        File.Delete(_stderr);

        var result = await Collect(completed: true);

        Assert.True(result.Uploaded);
        Assert.Equal(["stdout.log"], UploadedKeys());
    }

    [Fact]
    public async Task A_result_named_like_a_log_does_not_replace_the_jobs_own_log()
    {
        var impostor = _dir.Write("work/stdout.log", "a result, not the log");

        var result = await Collect(completed: true, impostor);

        Assert.True(result.Uploaded);
        Assert.Contains("would replace the job's own stdout.log", result.Problem);
        Assert.Equal("out\n", await File.ReadAllTextAsync(Uploaded("stdout.log")));
    }

    [Fact]
    public async Task A_store_that_refuses_a_file_fails_the_upload_without_throwing()
    {
        _dir.Write("work/model.pt", "weights");

        // A file where the store needs a directory: a real failure of the directory store.
        _dir.Write("results/p/jobs/J", "in the way");
        var result = await Collect(completed: true, _dir["work/model.pt"]);

        Assert.False(result.Uploaded);
        Assert.Contains("could not be stored as jobs/J/model.pt", result.Problem);
    }

    [Fact]
    public async Task A_plain_directory_is_uploaded_whole_under_its_own_name()
    {
        _dir.Write("work/checkpoints/step-1/w.bin", "1");
        _dir.Write("work/checkpoints/step-2/w.bin", "2");

        var result = await Collect(completed: true, _dir["work/checkpoints"]);

        Assert.True(result.Uploaded);
        Assert.Equal(
            [Path.Combine("checkpoints", "step-1", "w.bin"), Path.Combine("checkpoints", "step-2", "w.bin"), "stderr.log", "stdout.log"],
            UploadedKeys());
    }

    [Fact]
    public async Task Cancelling_stops_the_collection()
    {
        _dir.Write("work/model.pt", "weights");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new ResultCollector(new DirectoryResultStore(_dir["results"], "p"), WorkingDirectory)
                .CollectAsync(Jobs.WithResults("J", _dir["work/model.pt"]), true, _stdout, _stderr, cancelled.Token));
    }
}
