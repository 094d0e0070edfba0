using System.CommandLine;
using Spawn.Aws;
using Spawn.Aws.Launch;

namespace Spawn.Cli.Launch;

/// <summary>
/// <c>spawn launch --batch-queue FILE --instance-type TYPE …</c>: validates the queue, uploads the agent and the queue
/// to the queue's S3 prefix, and starts one EC2 instance that runs it and ends itself. Exit 0 launched (or, with
/// --dry-run, would launch); 2 a mistake in the file or the flags, nothing created; 1 AWS said no.
/// </summary>
internal static class LaunchCommand
{
    public static Command Create(TimeProvider clock)
    {
        var options = new LaunchOptions();
        var command = new Command("launch", "Run a batch queue on a new EC2 instance that reports to S3 and ends itself");
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((result, cancellationToken) => RunAsync(options, result, clock, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(LaunchOptions options, ParseResult result, TimeProvider clock, CancellationToken cancellationToken)
    {
        var stderr = Console.Error;
        if (LaunchQueueFile.Prepare(result.GetValue(options.BatchQueue)!, result.GetValue(options.Bucket), clock, stderr) is not { } queue)
        {
            return 2;
        }

        if (LaunchFlags.Read(options, result, stderr) is not { } launch)
        {
            return 2;
        }

        return await LaunchAsync(launch, queue.Queue, queue.Bytes, Path.GetFullPath(result.GetValue(options.BatchQueue)!), result.GetValue(options.DryRun), result.GetValue(options.Json), clock, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Plans, then (unless <paramref name="dryRun"/>) launches, records and prints; the exit code. Shared with <c>spawn queue resume</c>.</summary>
    /// <param name="queueFile">The local queue file, remembered for <c>spawn queue report</c>'s graph; null when there is none here.</param>
    public static async Task<int> LaunchAsync(
        LaunchRequest launch, Spawn.Core.Model.QueueDefinition queue, byte[] queueBytes, string? queueFile, bool dryRun, bool json, TimeProvider clock, CancellationToken cancellationToken)
    {
        var stderr = Console.Error;
        try
        {
            using var ec2 = AwsClients.Ec2(launch.Region);
            using var ssm = AwsClients.Ssm(launch.Region);
            using var s3 = S3ClientFactory.Create(launch.Region);
            var launcher = new QueueLauncher(ec2, ssm, s3, clock);
            var plan = await launcher.PlanAsync(launch, queue, queueBytes, cancellationToken).ConfigureAwait(false);
            if (dryRun)
            {
                LaunchOutput.WriteDryRun(Console.Out, plan, json);
                return 0;
            }

            var launched = await launcher.LaunchAsync(plan, cancellationToken, launch.SpotFallbackOnDemand).ConfigureAwait(false);
            Remember(launched, queueFile);
            LaunchOutput.WriteLaunched(Console.Out, launched, launch, json);
            return 0;
        }
        catch (LaunchException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (Exception e) when (AwsErrorText.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"error: {AwsErrorText.Describe(e)}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>So every later command needs only the queue id (or the instance id); the queue file's path gives <c>spawn queue report</c> its graph.</summary>
    private static void Remember(LaunchedQueue launched, string? queueFile)
    {
        var plan = launched.Plan;
        new LocalQueueRecord(
            plan.QueueId,
            StateFile: "",
            LogDir: "",
            ResultsDir: null,
            plan.Bucket,
            plan.Prefix,
            plan.Region,
            launched.InstanceId,
            plan.InstanceType.InstanceType,
            launched.LaunchedAt,
            QueueFile: queueFile).Write();
    }
}
