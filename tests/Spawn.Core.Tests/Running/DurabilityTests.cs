using Spawn.Core.Ports;
using Spawn.Core.Running;
using Spawn.Core.State;
using Spawn.Core.Tests.Scheduling;

namespace Spawn.Core.Tests.Running;

/// <summary>
/// Which events must be on disk before the runner goes on (a save) and which may ride with the next one (a record):
/// a job is saved running, with its pid, while its command starts, and saved finished before anything slow happens
/// to its results, so no crash of the agent or the machine makes a finished job run again.
/// </summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task Pid_then_exit_are_saved_before_results_go_to_a_slow_store()
    {
        var store = new RecordingStore();

        await Run(store, new NoResults(quick: false), Queues.Job("a"), Queues.Job("b", "a"));

        Assert.Equal(
            [
                "record a running (no pid)", "save a running (pid)", "save a completed", "collect a", "record a results",
                "record b running (no pid)", "save b running (pid)", "save b completed", "collect b", "record b results",
            ],
            store.Log.Where(entry => !entry.StartsWith("save queue", StringComparison.Ordinal)));
        Assert.StartsWith("save queue", store.Log[^1]); // the ending is saved whole
    }

    [Fact]
    public async Task Into_a_local_directory_the_exit_is_written_with_the_next_start_and_the_logs_linked_while_it_runs()
    {
        var store = new RecordingStore();

        await Run(store, new NoResults(quick: true), Queues.Job("a"), Queues.Job("b", "a") with { ResultPaths = ["out/*"] });

        // The pid's save flushes while the runner goes on, so a's collection may come before or after it is logged; that
        // a's logs are linked rides with the next write, b's exit. b's result files are copied, so its exit is saved
        // before they are.
        var log = store.Log;
        Assert.Equal(
            [
                "record a running (no pid)", "save a running (pid)",
                "record a completed + b running (no pid)", "save b running (pid)",
                "save a results + b completed", "collect b", "record b results",
            ],
            log.Where(entry => !entry.StartsWith("save queue", StringComparison.Ordinal) && entry != "collect a"));
        Assert.InRange(log.IndexOf("collect a"), log.IndexOf("record a completed + b running (no pid)") + 1, log.IndexOf("save a results + b completed") - 1);
    }

    [Fact]
    public async Task A_follower_the_launcher_started_is_written_once_with_its_pid_together_with_the_exit_before_it()
    {
        var store = new RecordingStore();

        await Run(store, new NoResults(quick: true), new InstantExecutor(startsFollowers: true), Queues.Job("a"), Queues.Job("b", "a"));

        // b never appears running without its pid: the launcher started it before the agent wrote anything about it.
        // The pid's save flushes on another thread, so the collections may be logged on either side of it.
        var log = store.Log;
        Assert.Equal(
            ["record a running (no pid)", "save a running (pid)", "save a completed + b running (pid)", "save a results + b completed with results"],
            log.Where(entry => !entry.StartsWith("save queue", StringComparison.Ordinal) && !entry.StartsWith("collect", StringComparison.Ordinal)));
        Assert.InRange(log.IndexOf("collect a"), log.IndexOf("save a running (pid)") + 1, log.IndexOf("collect b") - 1);
        Assert.True(log.IndexOf("collect b") < log.IndexOf("save a results + b completed with results"));
    }

    [Fact]
    public async Task Side_by_side_the_pid_and_the_exit_are_flushed_by_a_group_commit_and_results_go_up_only_after_it()
    {
        var store = new RecordingStore();

        await Run(store, new NoResults(quick: false), new InstantExecutor(startsFollowers: false), maxParallel: 2, Queues.Job("a"), Queues.Job("b", "a"));

        // Nothing is saved durably on the way: each record is followed by a flush on the saver's thread, which the
        // runner does not wait for, except before a collection (the exit must be on disk before results go up).
        var log = store.Log.Where(entry => !entry.StartsWith("save queue", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(log, entry => entry.StartsWith("save ", StringComparison.Ordinal));
        foreach (var job in new[] { "a", "b" })
        {
            var exit = log.IndexOf($"record {job} completed");
            Assert.True(exit >= 0, string.Join(Environment.NewLine, log));
            Assert.Contains("flush", log[(exit + 1)..log.IndexOf($"collect {job}")]);
        }

        Assert.True(log.IndexOf("record a completed") < log.IndexOf("record b running (no pid)"));
    }

    [Fact]
    public async Task A_job_that_ended_before_its_results_were_collected_is_collected_when_the_queue_resumes()
    {
        // The previous agent died after saving a completed but before collecting it; b never started.
        var at = DateTimeOffset.UtcNow;
        var store = new RecordingStore
        {
            Saved = new QueueState("q1", "q1", QueueStatus.Running, at, at,
                [new JobState("a", JobStatus.Completed, 1, at, at, ExitCode: 0), JobState.NotStarted("b")]),
        };

        await Run(store, new NoResults(quick: true), Queues.Job("a"), Queues.Job("b", "a"));

        var log = store.Log;
        Assert.Equal(["collect a", "record a results", "record b running (no pid)"], log.Where(entry => !entry.StartsWith("save queue", StringComparison.Ordinal)).Take(3));
        Assert.Single(log, "collect a");
    }

    private static Task Run(RecordingStore store, IResultStore results, params Model.JobDefinition[] jobs) =>
        Run(store, results, new InstantExecutor(startsFollowers: false), jobs);

    private static Task Run(RecordingStore store, IResultStore results, IJobExecutor executor, params Model.JobDefinition[] jobs) =>
        Run(store, results, executor, maxParallel: 1, jobs);

    private static async Task Run(RecordingStore store, IResultStore results, IJobExecutor executor, int maxParallel, params Model.JobDefinition[] jobs)
    {
        var runner = new QueueRunner(Queues.Of(jobs), new RunnerSettings("logs", "attempts", ".") { MaxParallel = maxParallel },
            executor, store, new Collector(store), results, new NoObserver(), TimeProvider.System, () => 0.5);
        var outcome = await runner.RunAsync(CancellationToken.None);
        Assert.Equal(0, outcome.ExitCode);
    }

    private sealed class RecordingStore : IStateStore
    {
        private QueueState? _last;

        private readonly List<string> _log = [];

        /// <summary>What happened, in order. The pid's save runs on a thread of its own, hence the lock.</summary>
        public List<string> Log
        {
            get
            {
                lock (_log)
                {
                    return [.. _log];
                }
            }
        }

        public void Add(string entry)
        {
            lock (_log)
            {
                _log.Add(entry);
            }
        }

        public string Location => "memory";

        public QueueState? Saved { get; init; }

        public Task<QueueState?> LoadAsync(CancellationToken cancellationToken)
        {
            _last = Saved;
            return Task.FromResult(Saved);
        }

        public Task SaveAsync(QueueState state, CancellationToken cancellationToken) => Note("save", state);

        public Task RecordAsync(QueueState state, CancellationToken cancellationToken) => Note("record", state);

        /// <summary>Logged when done, and slow like a disk: a collection that did not wait for it comes first.</summary>
        public Task MakeDurableAsync(CancellationToken cancellationToken)
        {
            Thread.Sleep(20);
            Add("flush");
            return Task.CompletedTask;
        }

        private Task Note(string how, QueueState state)
        {
            var changed = state.Jobs.Where((job, i) => _last is null || !job.Equals(_last.Jobs[i])).ToList();
            Add(_last is null || changed.Count is 0 or > 2 ? $"{how} queue {state.Status}" : $"{how} {string.Join(" + ", changed.Select(Describe))}");
            _last = state;
            return Task.CompletedTask;
        }

        private string Describe(JobState job) => job switch
        {
            { Status: JobStatus.Running } => $"{job.JobId} running ({(job.Pid is null ? "no pid" : "pid")})",
            { Status: JobStatus.Completed, ResultsUploaded: true } when _last?.Jobs.First(j => j.JobId == job.JobId).Status == JobStatus.Completed => $"{job.JobId} results",
            { Status: JobStatus.Completed, ResultsUploaded: true } => $"{job.JobId} completed with results",
            { Status: JobStatus.Completed } => $"{job.JobId} completed",
            _ => $"{job.JobId} {job.Status}",
        };
    }

    private sealed class Collector(RecordingStore store) : IResultCollector
    {
        public Task<ResultCollection> CollectAsync(Model.JobDefinition job, bool completed, string stdoutPath, string stderrPath, CancellationToken cancellationToken)
        {
            store.Add($"collect {job.JobId}");
            return Task.FromResult(new ResultCollection(true, null));
        }
    }

    /// <summary>Every command exits 0 at once; <paramref name="startsFollowers"/>: as the launcher does, the next one starts with it.</summary>
    private sealed class InstantExecutor(bool startsFollowers) : IJobExecutor
    {
        public Task<IRunningJob> StartAsync(JobLaunch launch, CancellationToken cancellationToken) => Task.FromResult<IRunningJob>(new Exited());

        public Task<IRunningJob?> StartAfterAsync(IRunningJob current, JobLaunch next, CancellationToken cancellationToken) =>
            Task.FromResult<IRunningJob?>(startsFollowers ? new Exited() : null);

        public Task<AdoptionResult> AdoptAsync(JobLaunch launch, int pid, ulong startTime, CancellationToken cancellationToken) =>
            Task.FromResult<AdoptionResult>(new AdoptionResult.Lost());

        public Task<AdoptionResult> AdoptSuccessorAsync(JobLaunch previous, JobLaunch next, CancellationToken cancellationToken) =>
            Task.FromResult<AdoptionResult>(new AdoptionResult.Lost());
    }

    private sealed class Exited : IRunningJob
    {
        public int Pid => 4242;

        public ulong StartTime => 1;

        public Task<int> WaitForExitAsync(CancellationToken cancellationToken) => Task.FromResult(0);

        public Task StopLeftoversAsync(TimeSpan grace, CancellationToken skipGrace) => Task.CompletedTask;

        public Task TerminateAsync(TimeSpan grace, CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class NoResults(bool quick) : IResultStore
    {
        public string Location => "nowhere";

        public bool StoresLogsQuickly => quick;

        public Task PutFileAsync(string key, string localPath, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PutBytesAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class NoObserver : IRunObserver
    {
        public void Notify(RunEvent runEvent)
        {
        }
    }
}
