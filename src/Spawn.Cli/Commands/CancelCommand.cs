using System.CommandLine;
using Amazon.EC2.Model;
using Spawn.Aws;
using Spawn.Aws.Launch;
using Spawn.Core.State;

namespace Spawn.Cli.Commands;

/// <summary>
/// <c>spawn queue cancel QUEUE_ID|INSTANCE_ID [--region R] [--wait SECONDS]</c>: stops a launched queue for good. It
/// asks the agent through S3 to stop (the running job's group is stopped, the state saved and uploaded), waits for
/// the mirrored state to say so, then terminates the instance — also when the agent does not answer, since
/// systemd stops the agent with SIGTERM at shutdown and it saves the state on that path too.
/// </summary>
internal static class CancelCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    public static Command Create(TimeProvider clock)
    {
        var target = new Argument<string>("queue") { Description = "The queue id, or the instance id (i-…) it was launched on" };
        var region = new Option<string?>("--region") { Description = "The instance's region (default: where this machine launched it, else AWS_REGION…)" };
        var wait = new Option<int>("--wait") { Description = "Seconds to wait for the agent to stop the queue before terminating", DefaultValueFactory = _ => 120 };
        var command = new Command("cancel", "Stop a launched queue for good and terminate its instance") { target, region, wait };
        command.SetAction(async (result, cancellationToken) =>
        {
            var instance = await FindInstanceAsync(result.GetValue(target)!, result.GetValue(region), cancellationToken).ConfigureAwait(false);
            if (instance.Instance is not { Bucket: { } bucket, Prefix: { } prefix, QueueId: { } queueId } found)
            {
                await Console.Error.WriteLineAsync($"error: {instance.Problem}").ConfigureAwait(false);
                return 2;
            }

            if (found.State is "shutting-down" or "terminated")
            {
                Console.WriteLine($"Instance {found.InstanceId} of queue {queueId} is already {found.State}; nothing to cancel.");
                return 0;
            }

            try
            {
                using var s3 = S3ClientFactory.Create(found.Region);
                var request = new Spawn.Core.Ports.CancelRequest(clock.GetUtcNow(), $"{Environment.UserName}@{Environment.MachineName}");
                await CancelRequestWriter.PutAsync(s3, bucket, prefix, request, cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"Asked the agent of queue {queueId} to stop (s3://{bucket}/{S3Keys.Join(prefix, S3Keys.CancelKey)}).");
                var ended = found.State == "running"
                    ? await WaitForEndAsync(s3, bucket, prefix, TimeSpan.FromSeconds(Math.Max(0, result.GetValue(wait))), clock, cancellationToken).ConfigureAwait(false)
                    : null;
                Console.WriteLine(ended is { } state
                    ? $"The queue stopped: {StatusWord(state)}{(state.ErrorMessage is { } why ? $" ({why})" : "")}; its state is in s3://{bucket}/{prefix}/{S3Keys.StateKey}."
                    : $"The agent did not confirm within {result.GetValue(wait)} s; terminating anyway (at shutdown systemd stops the agent, which stops the job and uploads the state).");

                // A persistent spot request (spawn launch --spot) would start a replacement for the terminated instance.
                if (found.LifeCycle == "spot")
                {
                    var (_, said) = await SpotRequestCancellation.CancelOwnAsync(found.InstanceId, found.Region, clock, cancellationToken).ConfigureAwait(false);
                    Console.WriteLine($"{char.ToUpperInvariant(said[0])}{said[1..]}.");
                }

                using var ec2 = AwsClients.Ec2(found.Region);
                var terminated = await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [found.InstanceId] }, cancellationToken).ConfigureAwait(false);
                var now = terminated.TerminatingInstances?.FirstOrDefault()?.CurrentState?.Name?.Value ?? "terminating";
                Console.WriteLine($"Terminated instance {found.InstanceId} ({now}).");
                return 0;
            }
            catch (Exception e) when (AwsErrorText.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync($"error: {AwsErrorText.Describe(e)}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    /// <summary>An instance id as given, or the instance this machine launched the queue on.</summary>
    private static async Task<InstanceTargetResult> FindInstanceAsync(string target, string? region, CancellationToken cancellationToken)
    {
        if (InstanceTarget.Matches(target))
        {
            return await InstanceTarget.ResolveAsync(target, region, cancellationToken).ConfigureAwait(false);
        }

        return LocalQueueRecord.TryRead(target) is { Launched: true } record
            ? await InstanceTarget.ResolveAsync(record.InstanceId!, region ?? record.Region, cancellationToken).ConfigureAwait(false)
            : new InstanceTargetResult(null, $"this machine launched no queue \"{target}\" ({LocalQueueRecord.StateRoot}): give the instance id (i-…), which `spawn queue list` shows");
    }

    private static async Task<QueueState?> WaitForEndAsync(Amazon.S3.IAmazonS3 s3, string bucket, string prefix, TimeSpan patience, TimeProvider clock, CancellationToken cancellationToken)
    {
        var reader = new S3StateReader(s3, clock);
        var deadline = clock.GetUtcNow() + patience;
        while (true)
        {
            try
            {
                // Interrupted: a spot notice stopped the queue, and its agent starts nothing more (nor looks for a cancel).
                if (await reader.ReadAsync(bucket, prefix, cancellationToken).ConfigureAwait(false) is { Status: QueueStatus.Completed or QueueStatus.Failed or QueueStatus.Interrupted } ended)
                {
                    return ended;
                }
            }
            catch (S3ReadException)
            {
                // The agent rewrites the state while we read; the next look will do.
            }

            if (clock.GetUtcNow() >= deadline)
            {
                return null;
            }

            await Task.Delay(PollInterval, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string StatusWord(QueueState state) => state.Status.ToString().ToLowerInvariant();
}
