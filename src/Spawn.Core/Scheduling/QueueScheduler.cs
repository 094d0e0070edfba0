using Spawn.Core.Model;
using Spawn.Core.State;

namespace Spawn.Core.Scheduling;

/// <summary>
/// The queue's state machine: decides what runs next and applies what happened, with no I/O and no clock of its
/// own (times come with the events). One owner (the runner) drives it. Ready jobs are kept in file order, so among
/// jobs whose dependencies are done, the earliest in the file starts first. <see cref="MaxConcurrency"/> is 1 today;
/// raising it lets independent jobs run side by side without changing anything else here.
/// </summary>
public sealed class QueueScheduler
{
    /// <summary>Crashes of the agent or machine one job may live through before it is failed.</summary>
    public const int MaxInterruptions = 3;

    private readonly QueueDefinition _queue;
    private readonly Func<double> _random01;
    private readonly Dictionary<string, int> _indexOf;
    private readonly List<int>[] _dependents;
    private readonly int[] _unmetDependencies;
    private readonly JobStateTable _jobs;
    private readonly SortedSet<int> _ready = [];
    private readonly SortedSet<int> _awaitingRetry = [];
    private readonly SortedSet<int> _running = [];
    private QueueStatus _status;
    private DateTimeOffset? _startedAt;
    private DateTimeOffset _updatedAt;
    private string? _stopReason;
    private string? _errorMessage;
    private InstanceIdentity? _instance;
    private string? _jobProcesses;

    /// <summary>Why the queue is interrupted (a spot notice), for this run only: a resumed queue runs again.</summary>
    private string? _interruption;

    /// <param name="saved">The state of an earlier run of the same queue to resume, or null for a fresh start.</param>
    /// <param name="random01">Uniform draws in [0,1) for retry jitter.</param>
    public QueueScheduler(QueueDefinition queue, QueueState? saved, DateTimeOffset now, Func<double> random01, int maxConcurrency = 1)
    {
        _queue = queue;
        _random01 = random01;
        MaxConcurrency = maxConcurrency;
        _indexOf = new Dictionary<string, int>(queue.Jobs.Count, StringComparer.Ordinal);
        for (var i = 0; i < queue.Jobs.Count; i++)
        {
            _indexOf[queue.Jobs[i].JobId] = i;
        }

        _dependents = new List<int>[queue.Jobs.Count];
        _unmetDependencies = new int[queue.Jobs.Count];
        _jobs = new JobStateTable(queue.Jobs.Count);
        for (var i = 0; i < queue.Jobs.Count; i++)
        {
            _dependents[i] = [];
        }

        for (var i = 0; i < queue.Jobs.Count; i++)
        {
            foreach (var dependency in queue.Jobs[i].DependsOn)
            {
                _dependents[_indexOf[dependency]].Add(i);
            }
        }

        var savedJobs = saved?.Jobs.ToDictionary(j => j.JobId, StringComparer.Ordinal);
        for (var i = 0; i < queue.Jobs.Count; i++)
        {
            _jobs[i] = savedJobs?.GetValueOrDefault(queue.Jobs[i].JobId) ?? JobState.NotStarted(queue.Jobs[i].JobId);
        }

        _startedAt = saved?.StartedAt;
        _updatedAt = now;
        // An interrupted queue that resumes is running again: the interruption's reason is history.
        _errorMessage = saved is { Status: QueueStatus.Interrupted } ? null : saved?.ErrorMessage;
        _instance = saved?.Instance;
        _jobProcesses = saved?.JobProcesses;
        _stopReason = saved is { Status: QueueStatus.Failed } ? saved.ErrorMessage : null;
        RebuildSets();
        _status = ComputeStatus();
    }

    public int MaxConcurrency { get; }

    public QueueDefinition Queue => _queue;

    /// <summary>Jobs the saved state says are running: the runner must adopt each or report it interrupted.</summary>
    public IReadOnlyList<JobState> RunningJobs => _running.Select(i => _jobs[i]).ToList();

    public QueueStatus Status => _status;

    /// <summary>When the queue first started, across resumes (global_timeout counts from here).</summary>
    public DateTimeOffset? StartedAt => _startedAt;

    public JobState Job(string jobId) => _jobs[_indexOf[jobId]];

    /// <summary>The job's error message as it was before the state cut it to <see cref="BoundedText.StoredLimit"/>, for the log.</summary>
    public string? ErrorInFull(string jobId) => _jobs.ErrorInFull(_indexOf[jobId]);

    public JobDefinition Definition(string jobId) => _queue.Jobs[_indexOf[jobId]];

    public QueueState Snapshot() =>
        new(_queue.QueueId, _queue.QueueName, _status, _startedAt, _updatedAt, _jobs.Snapshot(), _errorMessage, _instance, _jobProcesses);

    /// <summary>Marks the start of a run (the first one sets the queue's started_at).</summary>
    public void Begin(DateTimeOffset now)
    {
        _startedAt ??= now;
        _updatedAt = now;
        if (_status == QueueStatus.Pending)
        {
            _status = QueueStatus.Running;
        }
    }

    public SchedulerDecision Next(DateTimeOffset now)
    {
        if (_running.Count >= MaxConcurrency || (_stopReason is not null && _running.Count > 0))
        {
            return new SchedulerDecision.WaitForRunningJobs();
        }

        if (_stopReason is not null)
        {
            return new SchedulerDecision.Finished();
        }

        // A job waiting out its backoff keeps its place: the queue is sequential, so its retry comes before
        // jobs that are merely ready (the guide: "wait 1s, then retry").
        if (_awaitingRetry.Count > 0)
        {
            var next = _awaitingRetry.MinBy(i => (_jobs[i].RetryAt, i));
            var until = _jobs[next].RetryAt ?? now;
            return until <= now ? StartOf(next) : new SchedulerDecision.WaitUntil(until, _jobs[next].JobId);
        }

        if (_ready.Count > 0)
        {
            return StartOf(_ready.Min);
        }

        return _running.Count > 0 ? new SchedulerDecision.WaitForRunningJobs() : new SchedulerDecision.Finished();
    }

    /// <summary>
    /// What <see cref="Next"/> will decide once <paramref name="jobId"/>, the one job running, exits 0, if nothing
    /// else happens first; null when that is not to start a job at once (the queue is stopping, or a retry's backoff
    /// comes first, which depends on the clock).
    /// </summary>
    public SchedulerDecision.StartJob? NextOnceCompleted(string jobId)
    {
        var i = IndexInState(jobId, JobStatus.Running);
        if (MaxConcurrency != 1 || _running.Count != 1 || _stopReason is not null || _awaitingRetry.Count > 0)
        {
            return null;
        }

        // The jobs OnExited will make ready; the first in the file wins, as in Next.
        int? next = _ready.Count > 0 ? _ready.Min : null;
        foreach (var dependent in _dependents[i])
        {
            if (_unmetDependencies[dependent] == 1 && _jobs[dependent].Status == JobStatus.Pending && (next is null || dependent < next))
            {
                next = dependent;
            }
        }

        return next is { } n ? StartOf(n) : null;
    }

    private SchedulerDecision.StartJob StartOf(int i) => new(_jobs[i].JobId, _jobs[i].Attempt + 1);

    public void Apply(SchedulerEvent change)
    {
        _updatedAt = change.At;
        switch (change)
        {
            case SchedulerEvent.Started e: OnStarted(e); break;
            case SchedulerEvent.ProcessStarted e: OnProcessStarted(e); break;
            case SchedulerEvent.Exited e: OnExited(e); break;
            case SchedulerEvent.Interrupted e: OnInterrupted(e); break;
            case SchedulerEvent.ResultsCollected e: OnResultsCollected(e); break;
            case SchedulerEvent.GlobalTimeoutExpired e: Stop(e.Reason, skipMessage: $"skipped: {e.Reason}"); break;
            case SchedulerEvent.CancelRequested e: Stop(e.Reason, skipMessage: $"skipped: {e.Reason}"); break;
            case SchedulerEvent.Stopped e: OnStopped(e); break;
            case SchedulerEvent.InstanceIdentified e: _instance = e.Instance; break;
            case SchedulerEvent.ProcessesContained e: _jobProcesses = e.How; break;
            case SchedulerEvent.QueueInterrupted e: _interruption = e.Reason; break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, "unknown scheduler event");
        }

        _status = ComputeStatus();
    }

    private void OnStarted(SchedulerEvent.Started e)
    {
        var i = IndexInState(e.JobId, JobStatus.Pending, JobStatus.Failed);
        _ready.Remove(i);
        _awaitingRetry.Remove(i);
        _running.Add(i);
        _startedAt ??= e.At;
        // A retry: the failed attempt moves into the history (an interrupted one is there already).
        var earlier = _jobs[i].Status == JobStatus.Failed ? EarlierAttempts.WithCurrent(_jobs[i], _jobs[i].CompletedAt ?? e.At) : _jobs[i].EarlierAttempts;
        _jobs[i] = _jobs[i] with
        {
            EarlierAttempts = earlier,
            Status = JobStatus.Running,
            Attempt = e.Attempt,
            StartedAt = e.At,
            CompletedAt = null,
            ExitCode = null,
            Pid = null,
            PidStartTime = null,
            GpuDevices = e.GpuDevices is { Count: > 0 } ? e.GpuDevices : null,
            ErrorMessage = null,
            RetryAt = null,
            ResultsUploaded = false,
        };
    }

    private void OnProcessStarted(SchedulerEvent.ProcessStarted e)
    {
        var i = IndexInState(e.JobId, JobStatus.Running);
        _jobs[i] = _jobs[i] with { Pid = e.Pid, PidStartTime = e.PidStartTime };
    }

    private void OnExited(SchedulerEvent.Exited e)
    {
        var i = IndexInState(e.JobId, JobStatus.Running);
        _running.Remove(i);
        var job = _jobs[i] with { CompletedAt = e.At, ExitCode = e.ExitCode, Pid = null, PidStartTime = null, GpuDevices = null };
        if (e.ExitCode == 0)
        {
            _jobs[i] = job with { Status = JobStatus.Completed, ErrorMessage = null };
            foreach (var dependent in _dependents[i])
            {
                if (--_unmetDependencies[dependent] == 0 && _jobs[dependent].Status == JobStatus.Pending)
                {
                    _ready.Add(dependent);
                }
            }

            return;
        }

        var policy = _queue.Jobs[i].Retry;
        var failure = e.Reason ?? $"command execution failed: exit status {e.ExitCode}";
        var attemptsLeft = job.Attempt < policy.MaxAttempts;
        if (_stopReason is null && attemptsLeft && policy.ShouldRetry(e.ExitCode))
        {
            var delay = policy.DelayAfter(job.Attempt, _random01());
            _jobs[i] = job with
            {
                Status = JobStatus.Failed,
                RetryAt = e.At + delay,
                ErrorMessage = $"{failure} (attempt {job.Attempt} of {policy.MaxAttempts}); retrying in {Parsing.GoDuration.Format(delay)}",
            };
            _awaitingRetry.Add(i);
            return;
        }

        var why = !attemptsLeft && policy.MaxAttempts > 1 ? $"{failure} (attempt {job.Attempt} of {policy.MaxAttempts}, no attempts left)"
            : attemptsLeft && _stopReason is null ? $"{failure} (exit code {e.ExitCode} is not retried)"
            : failure;
        _jobs[i] = job with { Status = JobStatus.Failed, ErrorMessage = why };
        FailForGood(i);
    }

    private void OnInterrupted(SchedulerEvent.Interrupted e)
    {
        var i = IndexInState(e.JobId, JobStatus.Running);
        _running.Remove(i);
        var interruptions = _jobs[i].Interruptions + (e.CountsAsCrash ? 1 : 0);
        if (interruptions > MaxInterruptions)
        {
            _jobs[i] = _jobs[i] with
            {
                Status = JobStatus.Failed,
                CompletedAt = e.At,
                Pid = null,
                PidStartTime = null,
                GpuDevices = null,
                Interruptions = interruptions,
                ErrorMessage = $"{e.Reason}; interrupted {interruptions} times (the agent or the machine died while it ran): giving up",
            };
            FailForGood(i);
            return;
        }

        // The cut-short attempt is not counted: the next start reuses its number.
        _jobs[i] = _jobs[i] with
        {
            EarlierAttempts = EarlierAttempts.WithCurrent(_jobs[i], e.At, AttemptOutcome.Interrupted),
            Status = JobStatus.Pending,
            Attempt = _jobs[i].Attempt - 1,
            Pid = null,
            PidStartTime = null,
            GpuDevices = null,
            Interruptions = interruptions,
            ErrorMessage = $"{e.Reason}; it will run again",
        };
        if (_stopReason is null)
        {
            _ready.Add(i);
        }
        else
        {
            _jobs[i] = _jobs[i] with { Status = JobStatus.Skipped, ErrorMessage = $"{e.Reason}; skipped: {_stopReason}" };
        }
    }

    private void OnStopped(SchedulerEvent.Stopped e)
    {
        var i = IndexInState(e.JobId, JobStatus.Running);
        _running.Remove(i);
        _jobs[i] = _jobs[i] with
        {
            Status = JobStatus.Failed,
            CompletedAt = e.At,
            ExitCode = e.ExitCode,
            Pid = null,
            PidStartTime = null,
            GpuDevices = null,
            RetryAt = null,
            ErrorMessage = e.Reason,
        };
        FailForGood(i);
    }

    private void OnResultsCollected(SchedulerEvent.ResultsCollected e)
    {
        var i = _indexOf[e.JobId];
        var job = _jobs[i];
        var message = e.Problem is null ? job.ErrorMessage
            : job.ErrorMessage is null ? $"results: {e.Problem}"
            : $"{job.ErrorMessage}; results: {e.Problem}";
        // results_uploaded speaks of result_paths: a failed job uploads none, so it stays false even though its logs
        // went up (logs go up for every job that ran and need no flag).
        _jobs[i] = job with { ResultsUploaded = e.Uploaded && job.Status == JobStatus.Completed, ErrorMessage = message };
    }

    private void FailForGood(int failed)
    {
        var jobId = _jobs[failed].JobId;
        if (_queue.OnFailure == FailurePolicy.Stop)
        {
            Stop($"job {jobId} failed", skipMessage: $"skipped: the queue stopped after job {jobId} failed (on_failure: stop)");
            return;
        }

        // on_failure: continue — only what depends on the failed job, directly or not, is skipped.
        var pending = new Stack<int>(_dependents[failed]);
        while (pending.TryPop(out var i))
        {
            if (_jobs[i].Status is JobStatus.Pending)
            {
                _jobs[i] = _jobs[i] with { Status = JobStatus.Skipped, ErrorMessage = $"skipped: depends on failed job {jobId}" };
                _ready.Remove(i);
                foreach (var next in _dependents[i])
                {
                    pending.Push(next);
                }
            }
        }
    }

    private void Stop(string reason, string skipMessage)
    {
        _stopReason ??= reason;
        foreach (var i in _awaitingRetry)
        {
            _jobs[i] = _jobs[i] with { RetryAt = null, ErrorMessage = $"{_jobs[i].ErrorMessage}; not retried: {reason}" };
        }

        _awaitingRetry.Clear();
        _ready.Clear();
        for (var i = 0; i < _jobs.Count; i++)
        {
            if (_jobs[i].Status == JobStatus.Pending)
            {
                _jobs[i] = _jobs[i] with { Status = JobStatus.Skipped, ErrorMessage = skipMessage };
            }
        }
    }

    private QueueStatus ComputeStatus()
    {
        if (_running.Count > 0 || (_stopReason is null && (_ready.Count > 0 || _awaitingRetry.Count > 0)))
        {
            if (_interruption is not null && _running.Count == 0)
            {
                _errorMessage = BoundedText.Stored(_interruption);
                return QueueStatus.Interrupted;
            }

            return _startedAt is null ? QueueStatus.Pending : QueueStatus.Running;
        }

        var failed = new List<string>();
        var skipped = 0;
        for (var i = 0; i < _jobs.Count; i++)
        {
            switch (_jobs[i].Status)
            {
                case JobStatus.Failed: failed.Add(_jobs[i].JobId); break;
                case JobStatus.Skipped: skipped++; break;
            }
        }

        if (_stopReason is null && failed.Count == 0 && skipped == 0)
        {
            _errorMessage = null;
            return QueueStatus.Completed;
        }

        var parts = new List<string>();
        if (_stopReason is not null)
        {
            parts.Add(_stopReason);
        }

        if (failed.Count > 0)
        {
            parts.Add($"{failed.Count} of {_jobs.Count} jobs failed ({string.Join(", ", failed.Take(5))}{(failed.Count > 5 ? ", …" : "")})");
        }

        if (skipped > 0)
        {
            parts.Add($"{skipped} skipped");
        }

        // A stop reason can be any text (a cancel request's reason, a failed job's id): bounded like a job's error.
        _errorMessage = BoundedText.Stored(string.Join("; ", parts.Distinct()));
        return QueueStatus.Failed;
    }

    private void RebuildSets()
    {
        for (var i = 0; i < _jobs.Count; i++)
        {
            _unmetDependencies[i] = _queue.Jobs[i].DependsOn.Count(d => _jobs[_indexOf[d]].Status != JobStatus.Completed);
        }

        for (var i = 0; i < _jobs.Count; i++)
        {
            switch (_jobs[i].Status)
            {
                case JobStatus.Running:
                    _running.Add(i);
                    break;
                case JobStatus.Failed when _jobs[i].RetryAt is not null && _stopReason is null:
                    _awaitingRetry.Add(i);
                    break;
                case JobStatus.Pending when _unmetDependencies[i] == 0 && _stopReason is null:
                    _ready.Add(i);
                    break;
            }
        }
    }

    private int IndexInState(string jobId, params JobStatus[] expected)
    {
        var i = _indexOf[jobId];
        if (Array.IndexOf(expected, _jobs[i].Status) < 0)
        {
            throw new InvalidOperationException($"job {jobId} is {_jobs[i].Status}, expected {string.Join(" or ", expected)}");
        }

        return i;
    }
}
