using Spawn.Aws;
using Spawn.Core.Model;
using Spawn.Core.Ports;
using Spawn.Core.Running;
using Spawn.Execution;
using Spawn.Storage;

namespace Spawn.Hosting;

/// <summary>
/// The composition root shared by <c>spored run-queue</c> and <c>spawn queue run</c>: wires the real executor,
/// the durable state store, the result store (directory or S3, with the live S3 state mirror) and runs the queue.
/// The agent also watches the queue's S3 prefix for <c>spawn queue cancel</c> (with a bucket only: a local results
/// directory has nothing to watch).
/// The caller holds the state's <see cref="RunLock"/> for the whole call.
/// </summary>
public sealed class QueueRun(TimeProvider clock, TextWriter errors)
{
    /// <summary>How long an agent on EC2 waits for its instance role's credentials before it refuses the run.</summary>
    public static readonly TimeSpan InstanceCredentialPatience = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The exit code of a run stopped by a spot interruption notice (EX_TEMPFAIL): not an ending, so systemd may start
    /// the agent again, which resumes; neither 1 nor 2, so nothing powers off.
    /// </summary>
    public const int InterruptedByNotice = 75;

    /// <summary>Runs the queue and returns the process exit code (0, 1, 2 for an unusable state file, 130/143 interrupted).</summary>
    /// <param name="queueIdGenerated">The file had no queue_id: an existing state file's id is taken, so the run resumes.</param>
    /// <param name="slots">Jobs at once and the machine's CPUs and GPUs (<see cref="RunSlots.Resolve"/>), for the runner.</param>
    /// <param name="agent">What only the agent does (null for <c>spawn queue run</c>).</param>
    public async Task<int> ExecuteAsync(
        QueueDefinition queue, bool queueIdGenerated, RunLocations where, bool fresh, IRunObserver observer, SignalCancellation signals, RunSlots slots,
        AgentDuties? agent = null)
    {
        try
        {
            if (await RefusedBucketAsync(queue, where, agent, signals.Token).ConfigureAwait(false) is { } refusal)
            {
                // Caught before anything runs, like any other mistake in the file: a day of jobs whose results all fail
                // to upload is worse than no run.
                errors.WriteLine($"error: {refusal}");
                return 2;
            }

            var cgroups = JobCgroups.TryCreate(where.AttemptsDirectory, out var noCgroup);
            if (cgroups is null)
            {
                errors.WriteLine($"note: each job runs in a process group of its own, without a cgroup ({noCgroup}): what a job starts outside its group (setsid) is not stopped with it");
            }

            await using var executor = new BashJobExecutor(clock, LauncherCommand.ThisProgram(), cgroups);
            var settings = new RunnerSettings(where.LogDirectory, where.AttemptsDirectory, Environment.CurrentDirectory)
            {
                MaxParallel = slots.MaxParallel,
                Machine = slots.Machine,
            };
            if (fresh && File.Exists(where.StateFile))
            {
                if (await LiveAttempts.FindAsync(queue, where.StateFile, settings, executor, signals.Token).ConfigureAwait(false) is { } live)
                {
                    errors.WriteLine(
                        $"error: --fresh: job \"{live.JobId}\" (attempt {live.Attempt}, pid {live.Pid}) of the previous run is still running; "
                        + $"stop it (kill -TERM -- -{live.Pid}), or resume without --fresh (nothing was run or changed)");
                    return 2;
                }

                var backup = DurableStateStore.BackUp(where.StateFile, clock);
                errors.WriteLine($"--fresh: previous state kept as {backup}");
            }

            if (agent?.ResumeFromS3Since is { } since && where.ResultBucket(queue) is { } home && !File.Exists(where.StateFile))
            {
                var resumption = new S3Resumption(home, Environment.CurrentDirectory, clock, errors);
                if (await resumption.SeedAsync(queue, where.StateFile, since, newChance: agent.ResumedAt is not null, signals.Token).ConfigureAwait(false) is { } unresumable)
                {
                    errors.WriteLine($"error: {unresumable}");
                    return 2;
                }
            }

            var durable = new DurableStateStore(where.StateFile);
            if (queueIdGenerated && await durable.LoadAsync(signals.Token).ConfigureAwait(false) is { } saved)
            {
                queue = queue with { QueueId = saved.QueueId };
            }

            var results = CreateResultStore(queue, where);
            await using var mirror = results is S3ResultStore s3 ? new MirroredStateStore(durable, s3, clock, errors) : null;
            using var cancelRequests = agent is not null && where.ResultBucket(queue) is { } bucket
                ? new S3CancelRequests(S3ClientFactory.Create(region: null), bucket, queue.ResultPrefix, clock, errors, agent.ResumedAt)
                : null;
            var runner = new QueueRunner(
                queue,
                settings,
                executor,
                mirror ?? (IStateStore)durable,
                new ResultCollector(results, Environment.CurrentDirectory),
                results,
                observer,
                clock,
                Random.Shared.NextDouble,
                new RunHost(
                    agent?.Instance ?? RunHost.Local.Instance,
                    cancelRequests,
                    agent?.Notices,
                    signals.SkipGrace,
                    cgroups is null ? "process group" : "cgroup"));
            var outcome = await runner.RunAsync(signals.Token).ConfigureAwait(false);
            return outcome switch
            {
                { Notice: not null } => InterruptedByNotice,
                { Interrupted: true } => signals.ExitCode,
                _ => outcome.ExitCode,
            };
        }
        catch (StateStoreException e)
        {
            errors.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (signals.Token.IsCancellationRequested)
        {
            // A signal before the queue had started (checking the bucket, loading the state): nothing ran and nothing
            // changed, so the run is interrupted like any other, not crashed and not failed.
            return signals.ExitCode;
        }
    }

    /// <summary>Why the queue's bucket cannot take a single result, in one line that says how to go on; null when it may.</summary>
    private async Task<string?> RefusedBucketAsync(QueueDefinition queue, RunLocations where, AgentDuties? agent, CancellationToken cancellationToken)
    {
        if (where.ResultBucket(queue) is not { } bucket)
        {
            return null;
        }

        var answer = await S3BucketCheck.AskAsync(bucket, clock, cancellationToken).ConfigureAwait(false);
        if (answer == BucketAnswer.NoCredentials && agent is not null && await agent.Instance.ConfigureAwait(false) is not null)
        {
            // On EC2 the credentials are the instance role's, served by the metadata service, which can be slow to
            // have them early in a boot: refusing then would end a launched queue before it started. Wait a while.
            answer = await WaitForInstanceCredentialsAsync(bucket, cancellationToken).ConfigureAwait(false);
        }

        return answer switch
        {
            BucketAnswer.Missing => $"result_s3_bucket \"{bucket}\" does not exist (nothing was run; create it, or fix the name)",
            BucketAnswer.NoCredentials =>
                $"no AWS credentials found, so nothing could be stored in result_s3_bucket \"{bucket}\" (nothing was run; "
                + "pass --results-dir DIR to keep the results on this machine, or provide credentials: AWS_PROFILE, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an instance role)",
            _ => null,
        };
    }

    private async Task<BucketAnswer> WaitForInstanceCredentialsAsync(string bucket, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + InstanceCredentialPatience;
        BucketAnswer answer;
        do
        {
            errors.WriteLine($"{Spawn.Core.State.QueueStateJson.FormatTime(clock.GetUtcNow())} waiting for the instance role's credentials");
            await Task.Delay(TimeSpan.FromSeconds(5), clock, cancellationToken).ConfigureAwait(false);
            answer = await S3BucketCheck.AskAsync(bucket, clock, cancellationToken).ConfigureAwait(false);
        }
        while (answer == BucketAnswer.NoCredentials && clock.GetUtcNow() < deadline);

        return answer;
    }

    private IResultStore CreateResultStore(QueueDefinition queue, RunLocations where) =>
        where.ResultBucket(queue) is { } bucket
            ? new S3ResultStore(bucket, queue.ResultPrefix, S3ClientFactory.Create(region: null), clock)
            : new DirectoryResultStore(where.ResultDirectory, queue.ResultPrefix);
}
