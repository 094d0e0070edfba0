using System.CommandLine;
using Spawn.Aws;
using Spawn.Aws.Launch;
using Spawn.Core.Model;
using Spawn.Core.Parsing;
using Spawn.Core.Validation;

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
        var path = result.GetValue(options.BatchQueue)!;
        // A --parallel that is not valid is reported with the other flags, below; the copy is not given it.
        var parallel = result.GetValue(options.Slots.Parallel) is { } p && ParallelLimit.Parse(p) is not null ? p : null;
        if (LaunchQueueFile.Prepare(path, result.GetValue(options.Bucket), parallel, clock, stderr) is not { } queue)
        {
            return 2;
        }

        if (LaunchFlags.Read(options, result, stderr) is not { } launch)
        {
            return 2;
        }

        return await LaunchAsync(launch, queue.Queue, queue.Bytes, Path.GetFullPath(path), result.GetValue(options.DryRun), result.GetValue(options.Json), clock, cancellationToken, queue.Positions, path)
            .ConfigureAwait(false);
    }

    /// <summary>Plans, then (unless <paramref name="dryRun"/>) launches, records and prints; the exit code. Shared with <c>spawn queue resume</c>.</summary>
    /// <param name="queueFile">The local queue file, remembered for <c>spawn queue report</c>'s graph; null when there is none here.</param>
    /// <param name="positions">Where the file has its jobs' cpus and gpus, for errors about a type too small (else they are put at 1:1).</param>
    /// <param name="shownPath">The queue file as the user named it, in those errors.</param>
    public static async Task<int> LaunchAsync(
        LaunchRequest launch, Spawn.Core.Model.QueueDefinition queue, byte[] queueBytes, string? queueFile, bool dryRun, bool json, TimeProvider clock, CancellationToken cancellationToken,
        FieldPositions? positions = null, string? shownPath = null)
    {
        var stderr = Console.Error;
        try
        {
            using var ec2 = AwsClients.Ec2(launch.Region);
            using var ssm = AwsClients.Ssm(launch.Region);
            using var s3 = S3ClientFactory.Create(launch.Region);
            var launcher = new QueueLauncher(ec2, ssm, s3, clock);
            var type = await launcher.DescribeTypeAsync(launch.InstanceType, cancellationToken).ConfigureAwait(false);
            if (!Fits(shownPath ?? queueFile ?? "queue.json", queue, positions ?? FieldPositions.None, launch, type, stderr))
            {
                return 2;
            }

            var plan = await launcher.PlanAsync(launch, queue, queueBytes, type, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// A job that asks for more vCPUs or GPUs than the instance type has would never start there: each is an error at its
    /// field, before anything is created. A GPU queue on the default image gets a note: it has no NVIDIA driver.
    /// </summary>
    private static bool Fits(string path, QueueDefinition queue, FieldPositions positions, LaunchRequest launch, InstanceTypeInfo type, TextWriter stderr)
    {
        var errors = MachineFit.Check(queue, positions, InstanceFit.Target(launch, type));
        foreach (var error in errors)
        {
            stderr.WriteLine(error.Format(path));
        }

        if (errors.Count == 0 && launch.Ami is null && queue.Jobs.Any(j => j.Gpus > 0))
        {
            stderr.WriteLine("note: the default image (Amazon Linux 2023) has no NVIDIA driver: give GPU jobs an image with one (--ami, e.g. an AWS Deep Learning AMI), or install it in a job");
        }

        return errors.Count == 0;
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
