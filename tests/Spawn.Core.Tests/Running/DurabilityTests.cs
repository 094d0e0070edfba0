using Spawn.Core.Ports;
using Spawn.Core.Running;
using Spawn.Core.State;
using Spawn.Core.Tests.Scheduling;

namespace Spawn.Core.Tests.Running;

/// <summary>
/// Which events must be on disk before the runner goes on (a save) and which may ride with the next one (a record):
/// a job is saved running before it is spawned and saved finished before its results go up, so no crash of the agent
/// or the machine makes a finished job run again.
/// </summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task Start_and_exit_are_saved_before_the_runner_goes_on_pid_and_results_are_recorded()
    {
        var store = new RecordingStore();
        var runner = new QueueRunner(Queues.Of(Queues.Job("a"), Queues.Job("b", "a")), new RunnerSettings("logs", "attempts", "."),
            new InstantExecutor(), store, new Collector(store), new NoResults(), new NoObserver(), TimeProvider.System, () => 0.5);

        var outcome = await runner.RunAsync(CancellationToken.None);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(
            [
                "save a running (no pid)", "record a running (pid)", "save a completed", "collect a", "record a results",
                "save b running (no pid)", "record b running (pid)", "save b completed", "collect b", "record b results",
            ],
            store.Log.Where(entry => !entry.StartsWith("save queue", StringComparison.Ordinal)));
        Assert.StartsWith("save queue", store.Log[^1]); // the ending is saved whole
    }

    private sealed class RecordingStore : IStateStore
    {
        private QueueState? _last;

        public List<string> Log { get; } = [];

        public string Location => "memory";

        public Task<QueueState?> LoadAsync(CancellationToken cancellationToken) => Task.FromResult<QueueState?>(null);

        public Task SaveAsync(QueueState state, CancellationToken cancellationToken) => Note("save", state);

        public Task RecordAsync(QueueState state, CancellationToken cancellationToken) => Note("record", state);

        private Task Note(string how, QueueState state)
        {
            var changed = state.Jobs.Where((job, i) => _last is null || !job.Equals(_last.Jobs[i])).ToList();
            Log.Add(changed switch
            {
                [{ Status: JobStatus.Running } job] => $"{how} {job.JobId} running ({(job.Pid is null ? "no pid" : "pid")})",
                [{ Status: JobStatus.Completed, ResultsUploaded: true } job] when _last?.Jobs.First(j => j.JobId == job.JobId).Status == JobStatus.Completed => $"{how} {job.JobId} results",
                [{ Status: JobStatus.Completed } job] => $"{how} {job.JobId} completed",
                _ => $"{how} queue {state.Status}",
            });
            _last = state;
            return Task.CompletedTask;
        }
    }

    private sealed class Collector(RecordingStore store) : IResultCollector
    {
        public Task<ResultCollection> CollectAsync(Model.JobDefinition job, bool completed, string stdoutPath, string stderrPath, CancellationToken cancellationToken)
        {
            store.Log.Add($"collect {job.JobId}");
            return Task.FromResult(new ResultCollection(true, null));
        }
    }

    private sealed class InstantExecutor : IJobExecutor
    {
        public Task<IRunningJob> StartAsync(JobLaunch launch, CancellationToken cancellationToken) => Task.FromResult<IRunningJob>(new Exited());

        public Task<AdoptionResult> AdoptAsync(JobLaunch launch, int pid, ulong startTime, CancellationToken cancellationToken) =>
            Task.FromResult<AdoptionResult>(new AdoptionResult.Lost());
    }

    private sealed class Exited : IRunningJob
    {
        public int Pid => 4242;

        public ulong StartTime => 1;

        public Task<int> WaitForExitAsync(CancellationToken cancellationToken) => Task.FromResult(0);

        public Task TerminateAsync(TimeSpan grace, CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class NoResults : IResultStore
    {
        public string Location => "nowhere";

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
