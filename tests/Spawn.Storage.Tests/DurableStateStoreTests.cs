using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Spawn.Core.Ports;
using Spawn.Core.State;

namespace Spawn.Storage.Tests;

public sealed class DurableStateStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string StateFile => _dir["state/queue-state.json"];

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_queue_that_never_ran_here_has_no_state()
    {
        Assert.Null(await new DurableStateStore(StateFile).LoadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_saved_state_loads_back_the_same_and_creates_the_missing_directory()
    {
        var state = States.Event(States.Queue(3), 0) with { ErrorMessage = "none yet" };

        await new DurableStateStore(StateFile).SaveAsync(state, CancellationToken.None);

        States.AssertSame(state, await new DurableStateStore(StateFile).LoadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_instance_named_in_the_middle_of_a_run_is_in_the_file_and_loads_back_with_the_jobs()
    {
        var store = new DurableStateStore(StateFile);
        var state = States.Queue(4);
        await store.SaveAsync(state, CancellationToken.None);

        // The agent learns its instance after the run has started: the header changes in place, with a job's event.
        state = States.Event(state, 0) with { Instance = new InstanceIdentity("i-0123456789abcdef0", "ap-southeast-2", "c7g.16xlarge") };
        await store.SaveAsync(state, CancellationToken.None);
        state = States.Event(state, 1);
        await store.RecordAsync(state, CancellationToken.None);

        States.AssertSame(state, QueueStateJson.Deserialize(File.ReadAllBytes(StateFile)));
        States.AssertSame(state, await new DurableStateStore(StateFile).LoadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task After_every_event_the_file_alone_is_the_current_state_in_the_guides_format()
    {
        var store = new DurableStateStore(StateFile);
        var state = States.Queue(20);
        for (var n = 0; n < 50; n++)
        {
            state = States.Event(state, n);
            await store.SaveAsync(state, CancellationToken.None);

            // What `cat` or `jq` would see, without the journal.
            States.AssertSame(state, QueueStateJson.Deserialize(File.ReadAllBytes(StateFile)));
        }

        using var json = JsonDocument.Parse(File.ReadAllBytes(StateFile));
        Assert.Equal("q1", json.RootElement.GetProperty("queue_id").GetString());
        Assert.Equal("running", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(20, json.RootElement.GetProperty("jobs").GetArrayLength());
        Assert.Equal("job-00000", json.RootElement.GetProperty("jobs")[0].GetProperty("job_id").GetString());
    }

    [Fact]
    public async Task A_restarted_store_continues_where_the_last_one_stopped()
    {
        var state = States.Queue(5);
        for (var run = 0; run < 3; run++)
        {
            var store = new DurableStateStore(StateFile);
            States.AssertSame(state, await store.LoadAsync(CancellationToken.None) ?? state);
            for (var n = run * 7; n < (run * 7) + 7; n++)
            {
                state = States.Event(state, n);
                await store.SaveAsync(state, CancellationToken.None);
            }
        }

        States.AssertSame(state, await new DurableStateStore(StateFile).LoadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_job_that_outgrows_its_place_in_the_file_is_still_saved_whole()
    {
        var store = new DurableStateStore(StateFile);
        var state = States.Queue(4);
        await store.SaveAsync(state, CancellationToken.None);
        var jobs = state.Jobs.ToArray();
        jobs[2] = jobs[2] with { Status = JobStatus.Failed, ErrorMessage = new string('x', 5000) };
        state = state with { Jobs = jobs, ErrorMessage = new string('y', 3000) };

        await store.SaveAsync(state, CancellationToken.None);

        States.AssertSame(state, QueueStateJson.Deserialize(File.ReadAllBytes(StateFile)));
        States.AssertSame(state, await new DurableStateStore(StateFile).LoadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_long_run_folds_its_journal_back_into_the_state_file_so_it_never_grows_without_bound()
    {
        var store = new DurableStateStore(StateFile);
        var state = States.Queue(4) with { ErrorMessage = new string('w', 600) }; // long lines: the limit comes sooner
        await store.SaveAsync(state, CancellationToken.None);
        var generations = new HashSet<string>();
        long largest = 0;
        for (var n = 0; n < 500; n++)
        {
            state = States.Event(state, n);
            await store.SaveAsync(state, CancellationToken.None);
            var journal = await File.ReadAllBytesAsync(StateFile + ".journal");
            generations.Add(StateJournal.GenerationOf(journal)!);
            largest = Math.Max(largest, journal.Length);
        }

        Assert.True(generations.Count >= 2, "the journal was never folded into the state file");
        Assert.InRange(largest, 1, 260 * 1024);
        States.AssertSame(state, QueueStateJson.Deserialize(File.ReadAllBytes(StateFile)));
        States.AssertSame(state, await new DurableStateStore(StateFile).LoadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_reader_racing_in_place_writes_and_compactions_only_ever_sees_states_that_were_saved()
    {
        var store = new DurableStateStore(StateFile);
        var state = States.Queue(6) with { ErrorMessage = new string('w', 600) }; // long lines: several compactions
        var saved = new System.Collections.Concurrent.ConcurrentDictionary<DateTimeOffset, QueueState>();
        saved[state.UpdatedAt] = state;
        await store.SaveAsync(state, CancellationToken.None);
        using var done = new CancellationTokenSource();
        var reads = 0;
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Factory.StartNew(
            () =>
            {
                while (!done.IsCancellationRequested)
                {
                    var seen = StateFileReader.Read(StateFile);
                    States.AssertSame(saved[seen.UpdatedAt], seen); // never a mix of two saves
                    reads++;
                    reading.TrySetResult();
                }
            },
            TaskCreationOptions.LongRunning);
        await reading.Task.WaitAsync(TimeSpan.FromSeconds(10));

        for (var n = 0; n < 700; n++)
        {
            state = States.Event(state, n);
            saved[state.UpdatedAt] = state; // before it can be on disk
            await store.SaveAsync(state, CancellationToken.None);
        }

        await done.CancelAsync();
        await reader;
        Assert.True(reads > 1);
    }

    [Fact]
    public async Task Flushes_on_another_thread_racing_records_and_compactions_never_fail_and_lose_nothing()
    {
        // Side by side, the runner records while a group commit flushes on the saver's thread; long lines make the
        // journal fold several times, so a flush may hold a journal that a rewrite has just replaced.
        var store = new DurableStateStore(StateFile);
        var state = States.Queue(6) with { ErrorMessage = new string('w', 600) };
        await store.SaveAsync(state, CancellationToken.None);
        using var done = new CancellationTokenSource();
        var flushes = 0;
        var flusher = Task.Factory.StartNew(
            async () =>
            {
                while (!done.IsCancellationRequested)
                {
                    await store.MakeDurableAsync(CancellationToken.None);
                    flushes++;
                }
            },
            TaskCreationOptions.LongRunning).Unwrap();

        for (var n = 0; n < 700; n++)
        {
            state = States.Event(state, n);
            await store.RecordAsync(state, CancellationToken.None);
        }

        await done.CancelAsync();
        await flusher;
        await store.MakeDurableAsync(CancellationToken.None);

        Assert.True(flushes > 1, "the flushes never raced the records");
        States.AssertSame(state, await new DurableStateStore(StateFile).LoadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Saving_into_a_directory_that_does_not_exist_yet_creates_it_and_leaves_no_temporary_files()
    {
        var path = _dir["a/b/c/queue-state.json"];
        var store = new DurableStateStore(path);

        await store.SaveAsync(States.Queue(3), CancellationToken.None);
        await store.SaveAsync(States.Event(States.Queue(3), 0), CancellationToken.None);

        Assert.Equal(["queue-state.json", "queue-state.json.journal"], Directory.GetFiles(_dir["a/b/c"]).Select(Path.GetFileName).Order());
        Assert.Equal(path, store.Location);
    }

    [Fact]
    public async Task A_state_directory_that_cannot_be_written_gives_an_error_naming_it()
    {
        _dir.Write("blocked", "a file where the state's directory should be");
        var store = new DurableStateStore(_dir["blocked/queue-state.json"]);

        var error = await Assert.ThrowsAnyAsync<IOException>(() => store.SaveAsync(States.Queue(1), CancellationToken.None));

        Assert.Contains(_dir["blocked"], error.Message);
    }

    [Fact]
    public async Task A_queue_that_ended_leaves_the_state_file_alone_without_a_journal()
    {
        var store = new DurableStateStore(StateFile);
        var state = States.Event(States.Queue(3), 0);
        await store.SaveAsync(state, CancellationToken.None);
        Assert.True(File.Exists(StateFile + ".journal"));

        state = state with { Status = QueueStatus.Completed };
        await store.SaveAsync(state, CancellationToken.None);

        Assert.False(File.Exists(StateFile + ".journal"));
        States.AssertSame(state, StateFileReader.Read(StateFile));
        Assert.Equal(QueueStateJson.Serialize(state), await File.ReadAllBytesAsync(StateFile)); // the guide's indented look

        // Run again (a resumed queue is running again): the journal comes back and the saves go in place again.
        state = States.Event(state with { Status = QueueStatus.Running }, 1);
        await store.SaveAsync(state, CancellationToken.None);
        state = States.Event(state, 2);
        await store.SaveAsync(state, CancellationToken.None);
        Assert.True(File.Exists(StateFile + ".journal"));
        States.AssertSame(state, await new DurableStateStore(StateFile).LoadAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"queue_id\": \"q1\", \"status\": \"runn")]
    [InlineData("garbage, not json")]
    [InlineData("{\"queue_id\": \"q1\", \"status\": \"sleeping\", \"jobs\": []}")]
    // Found by fuzzing: JSON null where an array, a job or an id belongs was an ArgumentNullException, or a job without an id.
    [InlineData("{\"queue_id\": \"q1\", \"status\": \"running\", \"jobs\": null}")]
    [InlineData("{\"queue_id\": \"q1\", \"status\": \"running\", \"jobs\": [null]}")]
    [InlineData("{\"queue_id\": \"q1\", \"status\": \"running\", \"jobs\": [{\"job_id\": null, \"status\": \"pending\"}]}")]
    // Found by fuzzing: Enum.TryParse read "running,completed" as failed (1 | 2 = 3), and "failed,skipped" as no status at all.
    [InlineData("{\"queue_id\": \"q1\", \"status\": \"running,completed\", \"jobs\": []}")]
    [InlineData("{\"queue_id\": \"q1\", \"status\": \"running\", \"jobs\": [{\"job_id\": \"a\", \"status\": \"failed,skipped\"}]}")]
    [InlineData("{\"queue_id\": \"q1\", \"status\": \"-1\", \"jobs\": []}")]
    [InlineData("{\"queue_id\": \"q1\", \"status\": \"1\", \"jobs\": []}")]
    public async Task A_state_file_that_does_not_parse_stops_the_load_and_is_left_untouched(string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(StateFile)!);
        await File.WriteAllTextAsync(StateFile, content);
        var before = await File.ReadAllBytesAsync(StateFile);
        var store = new DurableStateStore(StateFile);

        var error = await Assert.ThrowsAsync<StateStoreException>(() => store.LoadAsync(CancellationToken.None));

        Assert.StartsWith($"state file {StateFile} is not a valid state file (", error.Message);
        Assert.Contains("left untouched; fix it, or start over with --fresh, which keeps it as a backup", error.Message);
        Assert.Equal(before, await File.ReadAllBytesAsync(StateFile));
        Assert.Throws<StateStoreException>(() => StateFileReader.Read(StateFile));
        Assert.Equal([Path.GetFileName(StateFile)], Directory.GetFiles(Path.GetDirectoryName(StateFile)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Reading_a_state_file_that_does_not_exist_says_so()
    {
        var error = Assert.Throws<StateStoreException>(() => StateFileReader.Read(StateFile));
        Assert.Contains(StateFile, error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public async Task Starting_fresh_keeps_the_old_state_and_its_journal_as_a_dated_backup()
    {
        var state = States.Event(States.Queue(2), 0);
        await new DurableStateStore(StateFile).SaveAsync(state, CancellationToken.None);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 13, 4, 5, TimeSpan.Zero));

        var backup = DurableStateStore.BackUp(StateFile, clock);
        await new DurableStateStore(StateFile).SaveAsync(States.Queue(2), CancellationToken.None);
        var second = DurableStateStore.BackUp(StateFile, clock);

        Assert.Equal(StateFile + ".bak-20261129-130405", backup);
        Assert.Equal(StateFile + ".bak-20261129-130405-2", second);
        Assert.False(File.Exists(StateFile));
        Assert.False(File.Exists(StateFile + ".journal"));
        Assert.True(File.Exists(backup + ".journal"));
        States.AssertSame(state, StateFileReader.Read(backup));
        Assert.Null(await new DurableStateStore(StateFile).LoadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_journal_left_beside_a_deleted_state_file_does_not_bring_the_queue_back()
    {
        await new DurableStateStore(StateFile).SaveAsync(States.Queue(2), CancellationToken.None);
        File.Delete(StateFile);

        Assert.Null(await new DurableStateStore(StateFile).LoadAsync(CancellationToken.None));
    }
}
