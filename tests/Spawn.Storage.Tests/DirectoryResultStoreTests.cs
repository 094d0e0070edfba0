namespace Spawn.Storage.Tests;

public sealed class DirectoryResultStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_key_lands_below_the_prefix_exactly_as_it_would_in_the_bucket()
    {
        var source = _dir.Write("work/model.pt", "weights");
        var store = new DirectoryResultStore(_dir["results"], "runs/nightly");

        await store.PutFileAsync("jobs/train/model.pt", source, CancellationToken.None);
        await store.PutBytesAsync("queue-state.json", "{}"u8.ToArray(), CancellationToken.None);

        Assert.Equal(_dir["results/runs/nightly"], store.Location);
        Assert.Equal("weights", await File.ReadAllTextAsync(_dir["results/runs/nightly/jobs/train/model.pt"]));
        Assert.Equal("{}", await File.ReadAllTextAsync(_dir["results/runs/nightly/queue-state.json"]));
    }

    [Fact]
    public async Task Putting_a_key_again_replaces_it_and_leaves_no_temporary_files()
    {
        var store = new DirectoryResultStore(_dir["results"], "p");
        await store.PutFileAsync("jobs/a/out.txt", _dir.Write("one.txt", "first, longer content"), CancellationToken.None);

        await store.PutFileAsync("jobs/a/out.txt", _dir.Write("two.txt", "second"), CancellationToken.None);

        Assert.Equal("second", await File.ReadAllTextAsync(_dir["results/p/jobs/a/out.txt"]));
        Assert.Equal(["out.txt"], Directory.GetFiles(_dir["results/p/jobs/a"]).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_log_is_linked_not_copied_and_a_later_attempts_log_replaces_it()
    {
        var store = new DirectoryResultStore(_dir["results"], "p");
        var first = _dir.Write("logs/a-stdout.log", "attempt 1\n");

        await store.PutLogAsync("jobs/a/stdout.log", first, CancellationToken.None);
        File.AppendAllText(first, "written after the collection\n");

        // One file under two names: what the job writes later shows in the results too.
        Assert.Equal("attempt 1\nwritten after the collection\n", await File.ReadAllTextAsync(_dir["results/p/jobs/a/stdout.log"]));

        var second = _dir.Write("logs/other.log", "attempt 2\n");
        await store.PutLogAsync("jobs/a/stdout.log", second, CancellationToken.None);

        Assert.Equal("attempt 2\n", await File.ReadAllTextAsync(_dir["results/p/jobs/a/stdout.log"]));
        Assert.Equal(["stdout.log"], Directory.GetFiles(_dir["results/p/jobs/a"]).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("jobs/../../escape.txt")]
    [InlineData("/etc/escape.txt")]
    public async Task A_key_that_would_land_outside_the_results_directory_is_refused(string key)
    {
        var store = new DirectoryResultStore(_dir["results"], "p");

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => store.PutFileAsync(key, _dir.Write("f.txt", "x"), CancellationToken.None));

        Assert.Contains(key, error.Message);
        Assert.False(File.Exists(_dir["results/escape.txt"]));
        Assert.False(File.Exists(_dir["escape.txt"]));
    }

    [Fact]
    public async Task A_source_that_cannot_be_read_leaves_nothing_behind_in_the_store()
    {
        var store = new DirectoryResultStore(_dir["results"], "p");

        await Assert.ThrowsAnyAsync<IOException>(
            () => store.PutFileAsync("jobs/a/missing.txt", _dir["does-not-exist.txt"], CancellationToken.None));

        Assert.Empty(Directory.GetFiles(_dir["results/p/jobs/a"]));
    }
}
