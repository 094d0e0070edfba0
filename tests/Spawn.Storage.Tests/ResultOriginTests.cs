namespace Spawn.Storage.Tests;

/// <summary>Where a result goes back to on a new machine: the inverse of what collection does with each pattern.</summary>
public sealed class ResultOriginTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("/data/out/model.pt", "model.pt", "/data/out/model.pt")]
    [InlineData("/data/out/model.pt", "other.pt", null)]
    [InlineData("/data/out", "out/a/b.txt", "/data/out/a/b.txt")]
    [InlineData("/data/out/*.json", "m.json", "/data/out/m.json")]
    [InlineData("/data/out/*.json", "m.txt", null)]
    [InlineData("/data/out/*.json", "x/m.json", null)]
    [InlineData("/data/**/*.log", "a/b/c.log", "/data/a/b/c.log")]
    [InlineData("/data/**", "a/b/c.bin", "/data/a/b/c.bin")]
    [InlineData("/data/r?n/*.txt", "run/x.txt", "/data/run/x.txt")]
    [InlineData("/data/out/*.json", "../etc/passwd", null)]
    [InlineData("out/*.csv", "t.csv", "/work/out/t.csv")]
    [InlineData("./out/../res/*.csv", "t.csv", "/work/res/t.csv")]
    public void A_key_goes_back_below_the_patterns_fixed_directory(string pattern, string key, string? expected)
    {
        Assert.Equal(expected, ResultOrigin.PathFor(pattern, "/work", key));
    }

    [Fact]
    public async Task Every_file_a_pattern_collects_goes_back_to_where_it_was()
    {
        var work = _dir["work"];
        string[] files = ["work/out/a.json", "work/out/deep/b.json", "work/out/c.txt", "work/models/m.pt"];
        foreach (var file in files)
        {
            _dir.Write(file, file);
        }

        string[] patterns = ["out/**/*.json", _dir["work/models/m.pt"]];
        var collected = await new ResultCollector(new DirectoryResultStore(_dir["results"], "p"), work)
            .CollectAsync(Jobs.WithResults("J", patterns), completed: true, _dir.Write("o.log", ""), _dir.Write("e.log", ""), CancellationToken.None);
        Assert.True(collected.Uploaded, collected.Problem);

        var keys = Directory.GetFiles(_dir["results/p/jobs/J"], "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_dir["results/p/jobs/J"], f))
            .Where(k => k is not ("stdout.log" or "stderr.log"));
        var restored = keys.Select(k => patterns.Select(p => ResultOrigin.PathFor(p, work, k)).First(path => path is not null)).Order().ToList();

        Assert.Equal(new[] { "work/out/a.json", "work/out/deep/b.json", "work/models/m.pt" }.Select(f => _dir[f]).Order(), restored);
    }
}
