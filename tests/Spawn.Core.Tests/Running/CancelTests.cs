using Spawn.Core.Model;
using Spawn.Core.Ports;
using Spawn.Core.Running;
using Spawn.Core.State;
using Spawn.Core.Tests.Scheduling;

namespace Spawn.Core.Tests.Running;

/// <summary>
/// <c>spawn queue cancel</c> as the runner sees it: a cancel request stops the running job like a signal, then ends the
/// queue for good (failed, the rest skipped, the final state stored), where a signal alone leaves it to be resumed.
/// </summary>
public sealed class CancelTests
{
    private static readonly CancelRequest Request = new(new DateTimeOffset(2026, 1, 22, 14, 5, 30, TimeSpan.Zero), "alice@laptop");
    private static readonly QueueDefinition Queue = Queues.Of(Queues.Job("a"), Queues.Job("long", "a"), Queues.Job("c", "long"));

    [Fact]
    public async Task A_cancel_request_stops_the_running_job_and_ends_the_queue_failed_with_the_rest_skipped()
    {
        var cancel = new ManualCancel();
        var run = new Harness(new RunHost(Task.FromResult<InstanceIdentity?>(null), cancel), whenLongStarts: () => cancel.Request(Request));

        var outcome = await run.RunAsync(CancellationToken.None);

        AssertCancelled(outcome, run);
    }

    [Fact]
    public async Task A_signal_while_a_cancel_request_waits_to_be_seen_ends_the_queue_as_cancelled_too()
    {
        // `spawn queue cancel` ends the instance right after its request: the shutdown's SIGTERM may come first.
        var cancel = new ManualCancel { FoundOnLook = Request };
        using var signal = new CancellationTokenSource();
        var run = new Harness(new RunHost(Task.FromResult<InstanceIdentity?>(null), cancel), whenLongStarts: signal.Cancel);

        var outcome = await run.RunAsync(signal.Token);

        AssertCancelled(outcome, run);
    }

    [Fact]
    public async Task A_signal_without_a_cancel_request_interrupts_the_queue_for_a_later_resume()
    {
        using var signal = new CancellationTokenSource();
        var run = new Harness(new RunHost(Task.FromResult<InstanceIdentity?>(null), new ManualCancel()), whenLongStarts: signal.Cancel);

        var outcome = await run.RunAsync(signal.Token);

        Assert.True(outcome.Interrupted);
        Assert.Equal(QueueStatus.Running, outcome.State.Status);
        Assert.Equal((JobStatus.Pending, 0), (outcome.State.Job("long").Status, outcome.State.Job("long").Attempt));
        Assert.Equal(JobStatus.Pending, outcome.State.Job("c").Status);
    }

    [Fact]
    public async Task A_queue_ended_by_a_cancel_request_is_not_run_again_by_a_later_agent()
    {
        var cancel = new ManualCancel();
        var first = new Harness(new RunHost(Task.FromResult<InstanceIdentity?>(null), cancel), whenLongStarts: () => cancel.Request(Request));
        await first.RunAsync(CancellationToken.None);

        var second = new Harness(RunHost.Local, whenLongStarts: () => { }, saved: first.Store.Last);
        var outcome = await second.RunAsync(CancellationToken.None);

        Assert.False(outcome.Interrupted);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Empty(second.Started);
        Assert.Equal(first.Store.Last!.ErrorMessage, outcome.State.ErrorMessage);
        Assert.Contains("queue-state.json", second.Stored);
    }

    [Fact]
    public async Task A_cancel_request_while_a_retry_waits_ends_the_queue_without_the_retry()
    {
        var cancel = new ManualCancel();
        var queue = Queues.Of(Queues.Job("a").WithRetry(3, Spawn.Core.Retry.BackoffStrategy.Fixed) with { Command = "exit 1" }, Queues.Job("long", "a"), Queues.Job("c", "long"));
        var run = new Harness(new RunHost(Task.FromResult<InstanceIdentity?>(null), cancel), whenLongStarts: () => { }, whenARetries: () => cancel.Request(Request), queue: queue);

        var outcome = await run.RunAsync(CancellationToken.None);

        Assert.False(outcome.Interrupted);
        Assert.Equal(QueueStatus.Failed, outcome.State.Status);
        Assert.Equal([JobStatus.Failed, JobStatus.Skipped, JobStatus.Skipped], outcome.State.Jobs.Select(j => j.Status));
        Assert.Null(outcome.State.Job("a").RetryAt);
        Assert.EndsWith($"not retried: {Request.Reason}", outcome.State.Job("a").ErrorMessage);
        Assert.StartsWith(Request.Reason, outcome.State.ErrorMessage);
        Assert.Equal(["a"], run.Started);
        Assert.Equal(["a"], run.Collected); // its logs, which a retry would have added to
    }

    private static void AssertCancelled(RunOutcome outcome, Harness run)
    {
        Assert.False(outcome.Interrupted);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal(QueueStatus.Failed, outcome.State.Status);
        Assert.Equal("cancelled by spawn queue cancel (requested at 2026-01-22T14:05:30.000Z); 1 of 3 jobs failed (long); 1 skipped", outcome.State.ErrorMessage);
        var stopped = outcome.State.Job("long");
        Assert.Equal((JobStatus.Failed, 143, 1), (stopped.Status, stopped.ExitCode, stopped.Attempt));
        Assert.Equal($"stopped: {Request.Reason}", stopped.ErrorMessage);
        Assert.Equal(JobStatus.Completed, outcome.State.Job("a").Status);
        Assert.Equal((JobStatus.Skipped, $"skipped: {Request.Reason}"), (outcome.State.Job("c").Status, outcome.State.Job("c").ErrorMessage));
        Assert.Equal(["a", "long"], run.Started);
        Assert.True(run.Terminated, "the running job was not stopped");
        // The stopped job's logs go up like any failed job's, once (it uploads no results, so results_uploaded
        // stays false); the final state is stored and saved, ended.
        Assert.Equal(["a", "long"], run.Collected);
        Assert.False(stopped.ResultsUploaded);
        Assert.Equal("queue-state.json", run.Stored[^1]);
        Assert.Equal(QueueStatus.Failed, run.Store.Last!.Status);
    }

    /// <summary>A runner over fakes: job "long" runs until stopped (exit 143); a job whose command is <c>exit 1</c> fails;
    /// every other job exits 0 at once.</summary>
    private sealed class Harness(RunHost host, Action whenLongStarts, Action? whenARetries = null, QueueState? saved = null, QueueDefinition? queue = null)
        : IJobExecutor, IResultCollector, IResultStore, IRunObserver
    {
        private readonly TaskCompletionSource<int> _longExit = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public MemoryStore Store { get; } = new(saved);

        public List<string> Started { get; } = [];

        public List<string> Collected { get; } = [];

        public List<string> Stored { get; } = [];

        public bool Terminated { get; private set; }

        public string Location => "memory";

        public Task<RunOutcome> RunAsync(CancellationToken cancellationToken) =>
            new QueueRunner(queue ?? Queue, new RunnerSettings("logs", "attempts", "."), this, Store, this, this, this, TimeProvider.System, () => 0.5, host)
                .RunAsync(cancellationToken);

        public Task<IRunningJob> StartAsync(JobLaunch launch, CancellationToken cancellationToken)
        {
            Started.Add(launch.JobId);
            return Task.FromResult<IRunningJob>(launch.JobId == "long" ? new Job(_longExit, () => Terminated = true) : new Job(launch.Command == "exit 1" ? 1 : 0));
        }

        public Task<IRunningJob?> StartAfterAsync(IRunningJob current, JobLaunch next, CancellationToken cancellationToken) => Task.FromResult<IRunningJob?>(null);

        public Task<AdoptionResult> AdoptAsync(JobLaunch launch, int pid, ulong startTime, CancellationToken cancellationToken) =>
            Task.FromResult<AdoptionResult>(new AdoptionResult.Lost());

        public Task<AdoptionResult> AdoptSuccessorAsync(JobLaunch previous, JobLaunch next, CancellationToken cancellationToken) =>
            Task.FromResult<AdoptionResult>(new AdoptionResult.Lost());

        public Task<ResultCollection> CollectAsync(JobDefinition job, bool completed, string stdoutPath, string stderrPath, CancellationToken cancellationToken)
        {
            Collected.Add(job.JobId);
            return Task.FromResult(new ResultCollection(true, null));
        }

        public Task PutFileAsync(string key, string localPath, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PutBytesAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
        {
            Stored.Add(key);
            return Task.CompletedTask;
        }

        public void Notify(RunEvent runEvent)
        {
            if (runEvent is { Kind: RunEventKind.JobStarted, JobId: "long" })
            {
                whenLongStarts();
            }
            else if (runEvent is { Kind: RunEventKind.RetryScheduled, JobId: "a" })
            {
                whenARetries?.Invoke();
            }
        }
    }

    private sealed class Job : IRunningJob
    {
        private readonly TaskCompletionSource<int> _exit;
        private readonly Action _onTerminate;

        public Job(int code)
        {
            _exit = new TaskCompletionSource<int>();
            _exit.SetResult(code);
            _onTerminate = () => { };
        }

        public Job(TaskCompletionSource<int> exit, Action onTerminate) => (_exit, _onTerminate) = (exit, onTerminate);

        public int Pid => 4242;

        public ulong StartTime => 1;

        public Task<int> WaitForExitAsync(CancellationToken cancellationToken) => _exit.Task.WaitAsync(cancellationToken);

        public Task StopLeftoversAsync(TimeSpan grace, CancellationToken skipGrace) => Task.CompletedTask;

        public Task TerminateAsync(TimeSpan grace, CancellationToken cancellationToken)
        {
            _onTerminate();
            _exit.TrySetResult(143);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A request the test makes (<see cref="Request"/>), or one already there for the look a signal makes (<see cref="FoundOnLook"/>).</summary>
    private sealed class ManualCancel : ICancelRequests
    {
        private readonly TaskCompletionSource<CancelRequest> _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancelRequest? FoundOnLook { get; init; }

        public void Request(CancelRequest request) => _requested.TrySetResult(request);

        public Task<CancelRequest> WaitAsync(DateTimeOffset since, CancellationToken cancellationToken) => _requested.Task.WaitAsync(cancellationToken);

        public Task<CancelRequest?> CheckAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
            Task.FromResult(_requested.Task.IsCompletedSuccessfully ? _requested.Task.Result : FoundOnLook);
    }

    private sealed class MemoryStore(QueueState? saved) : IStateStore
    {
        public QueueState? Last { get; private set; } = saved;

        public string Location => "memory";

        public Task<QueueState?> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(Last);

        public Task SaveAsync(QueueState state, CancellationToken cancellationToken)
        {
            Last = state;
            return Task.CompletedTask;
        }
    }
}
