using System.CommandLine;
using Amazon.S3;
using Spawn.Aws;
using Spawn.Aws.Launch;
using Spawn.Cli.Launch;
using Spawn.Core.Model;
using Spawn.Core.Parsing;
using Spawn.Core.Running;
using Spawn.Core.State;

namespace Spawn.Cli.Commands;

/// <summary>
/// <c>spawn queue resume QUEUE_ID|INSTANCE_ID [--instance-type T] [--on-demand] [--queue FILE] [launch flags]</c>:
/// launches a fresh instance for a queue that did not finish (interrupted, its instance terminated, cancelled, or
/// failed; a failed one usually with <c>--queue FILE</c>, the corrected file). The agent there starts from the state
/// in S3: completed jobs never run again, and their result files are first put back where they were written.
/// Exit 0 launched; 2 nothing to resume, or a mistake in the flags or the file (nothing launched); 1 AWS said no.
/// </summary>
internal static class ResumeCommand
{
    public static Command Create(TimeProvider clock)
    {
        var target = new Argument<string>("queue") { Description = "The queue id, or the instance id (i-…) it ran on" };
        var options = new LaunchOptions(forResume: true);
        var command = new Command("resume", "Go on with a queue that did not finish, on a new EC2 instance, from its state in S3") { target };
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(target)!, options, result, clock, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string target, LaunchOptions options, ParseResult result, TimeProvider clock, CancellationToken cancellationToken)
    {
        var stderr = Console.Error;
        int Refuse(string message)
        {
            stderr.WriteLine($"error: {message}");
            return 2;
        }

        if (result.GetValue(options.Spot) && result.GetValue(options.OnDemand))
        {
            return Refuse("--spot and --on-demand contradict each other: give one");
        }

        var (source, problem) = await ResumeSource.FindAsync(target, result.GetValue(options.Region), cancellationToken).ConfigureAwait(false);
        if (source is null)
        {
            return Refuse(problem!);
        }

        using var s3 = S3ClientFactory.Create(source.Region);
        var stateUrl = S3Keys.Url(source.Bucket, S3Keys.Join(source.Prefix, S3Keys.StateKey));
        QueueState? state;
        try
        {
            state = await new S3StateReader(s3, clock).ReadAsync(source.Bucket, source.Prefix, cancellationToken).ConfigureAwait(false);
        }
        catch (S3ReadException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return 1;
        }

        if (state is null)
        {
            return Refuse($"no state at {stateUrl}: queue {source.QueueId} never started there, so there is nothing to resume (launch it with spawn launch)");
        }

        if (state.Status == QueueStatus.Completed)
        {
            return Refuse($"queue {source.QueueId} completed; nothing to resume (spawn queue results {source.QueueId} --output DIR)");
        }

        var lastInstance = state.Instance?.InstanceId ?? source.InstanceId;
        var lookup = lastInstance is null ? null : await InstanceTarget.DescribeAsync(lastInstance, source.Region, cancellationToken).ConfigureAwait(false);
        if (lookup is { AwsFailed: true })
        {
            // Not knowing whether the last instance still runs is not "it is gone": a second agent must not be launched.
            stderr.WriteLine($"error: {lookup.Problem}");
            return 1;
        }

        var described = lookup?.Instance;
        if (described is { State: "pending" or "running" or "stopping" or "stopped" })
        {
            // Two agents on one queue would both run its jobs and overwrite each other's state in S3.
            return Refuse($"queue {source.QueueId} still has instance {described.InstanceId} ({described.State}), which EC2 may start or resume: "
                + $"wait for it, or end it first (spawn queue cancel {described.InstanceId} ends the queue; then resume it)");
        }

        if (await QueueAsync(source, result.GetValue(options.BatchQueue), s3, clock, stderr, cancellationToken).ConfigureAwait(false) is not { } queue)
        {
            return 2;
        }

        if (JobSetProblem(state, queue.Queue) is { } jobs)
        {
            return Refuse(jobs);
        }

        var instanceType = result.GetValue(options.InstanceType) ?? state.Instance?.InstanceType ?? described?.InstanceType;
        if (instanceType is null)
        {
            return Refuse($"the state does not say which instance type queue {source.QueueId} ran on: give --instance-type");
        }

        if (LaunchFlags.Read(options, result, stderr) is not { } flags)
        {
            return 2;
        }

        var spot = result.GetValue(options.Spot) || (!result.GetValue(options.OnDemand) && described?.LifeCycle == "spot");
        var launch = flags with { InstanceType = instanceType, Region = source.Region, Spot = spot, ResumedAt = clock.GetUtcNow(), ResumeFromS3Since = state.StartedAt ?? DateTimeOffset.UnixEpoch };
        var done = state.Jobs.Count(j => j.Status == JobStatus.Completed);
        stderr.WriteLine($"Resuming queue {source.QueueId} ({state.Status.ToString().ToLowerInvariant()}, {done} of {state.Jobs.Count} jobs completed) on a new {(spot ? "spot" : "on-demand")} {instanceType}");
        return await LaunchCommand.LaunchAsync(launch, queue.Queue, queue.Bytes, result.GetValue(options.BatchQueue) is { } file ? Path.GetFullPath(file) : null, result.GetValue(options.DryRun), result.GetValue(options.Json), clock, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The corrected file (<c>--queue</c>), or the one the queue was launched with, read back from S3.</summary>
    private static async Task<(QueueDefinition Queue, byte[] Bytes)?> QueueAsync(
        ResumeSource source, string? file, IAmazonS3 s3, TimeProvider clock, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (file is not null)
        {
            if (LaunchQueueFile.Prepare(file, source.Bucket, parallelFlag: null, clock, stderr) is not { } prepared)
            {
                return null;
            }

            if (prepared.Queue.QueueId != source.QueueId || prepared.Queue.ResultPrefix != source.Prefix)
            {
                stderr.WriteLine($"{file}: error: this is queue \"{prepared.Queue.QueueId}\" (prefix {prepared.Queue.ResultPrefix}), not \"{source.QueueId}\" ({source.Prefix}): give the queue_id and result_s3_prefix of the queue to resume");
                return null;
            }

            return (prepared.Queue, prepared.Bytes);
        }

        var key = S3Keys.Join(source.Prefix, "agent/queue.json");
        byte[] bytes;
        try
        {
            using var response = await s3.GetObjectAsync(source.Bucket, key, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            bytes = buffer.ToArray();
        }
        catch (Exception e) when (AwsErrorText.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine($"error: cannot read the queue file it was launched with, {S3Keys.Url(source.Bucket, key)} ({AwsErrorText.Describe(e)}): give it with --queue FILE");
            return null;
        }

        var parsed = QueueFileParser.Parse(bytes, S3Keys.Url(source.Bucket, key), clock);
        if (parsed.Queue is not { } queue)
        {
            Spawn.Hosting.QueueFileLoading.PrintErrors(S3Keys.Url(source.Bucket, key), parsed, stderr);
            return null;
        }

        return (queue, bytes);
    }

    private static string? JobSetProblem(QueueState state, QueueDefinition queue) =>
        SavedStateCheck.JobSetDifference(state, queue) is var (added, removed)
            ? $"the queue file's job ids differ from the stored state's (new: {Listed(added)}; gone: {Listed(removed)}): a resumed queue keeps its jobs; fix only their commands"
            : null;

    private static string Listed(IReadOnlyList<string> ids) => ids.Count > 0 ? string.Join(", ", ids) : "none";
}
