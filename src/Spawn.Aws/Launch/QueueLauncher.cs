using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.S3;
using Amazon.SimpleSystemsManagement;
using Spawn.Core.Model;
using Spawn.Core.Planning;

namespace Spawn.Aws.Launch;

/// <summary>
/// <c>spawn launch</c>: checks everything with AWS first (bucket, instance type, image, agent build, and RunInstances
/// itself as a dry run), then uploads the agent and the queue and starts the instance. A launch that fails after
/// the upload takes the upload back, so a failed launch leaves nothing behind.
/// </summary>
public sealed class QueueLauncher(IAmazonEC2 ec2, IAmazonSimpleSystemsManagement ssm, IAmazonS3 s3, TimeProvider clock)
{
    /// <summary>The dead-man switch's margin over the queue's longest legal run: boot, bootstrap, final uploads.</summary>
    public static readonly TimeSpan DeadlineMargin = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How far the instance's clock may be behind this machine's: a replacement spot instance takes a stored state
    /// whose run started at most this long before the launch as this launch's.
    /// </summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>EC2's answers that mean "no spot capacity (at this price) now", for <c>--spot-fallback on-demand</c>.</summary>
    private static readonly string[] NoSpotCapacity =
        ["InsufficientInstanceCapacity", "SpotMaxPriceTooLow", "MaxSpotInstanceCountExceeded", "InsufficientCapacity", "capacity-not-available", "UnfulfillableCapacity"];

    /// <summary>What EC2 says of the instance type: the queue is checked against its vCPUs and GPUs before anything else.</summary>
    public Task<InstanceTypeInfo> DescribeTypeAsync(string instanceType, CancellationToken cancellationToken) =>
        Ask("cannot describe the instance type", () => InstanceTypeInfo.DescribeAsync(ec2, instanceType, cancellationToken));

    public async Task<LaunchPlan> PlanAsync(LaunchRequest launch, QueueDefinition queue, byte[] queueBytes, InstanceTypeInfo type, CancellationToken cancellationToken)
    {
        var bucket = queue.ResultS3Bucket ?? throw new ArgumentException("the queue must name its bucket", nameof(queue));
        var bucketRegion = await BucketRegionAsync(bucket, cancellationToken).ConfigureAwait(false);
        var image = await new AmiChoice(ec2, ssm).ResolveAsync(launch.Ami, type, cancellationToken).ConfigureAwait(false);
        var agentPath = AgentBuilds.Find(launch.AgentDirectory, type);
        var upload = new AgentUploader(s3, bucket, queue.ResultPrefix).Plan(agentPath, queueBytes);
        var deadline = launch.KeepInstance ? 0 : DeadlineMinutes(queue);
        var userData = UserDataScript.Render(new BootstrapSettings(
            queue.QueueId, bucketRegion, bucket, upload, deadline, PowerOffWhenDone: !launch.KeepInstance,
            // A spot instance's replacement (a persistent request relaunches a terminated one) goes on from S3.
            launch.ResumeFromS3Since ?? (launch.Spot ? clock.GetUtcNow() - ClockSkew : null),
            launch.ResumedAt)
        {
            AgentFlags = InstanceFit.AgentFlags(launch, type),
        });
        var request = RunInstancesRequests.Build(launch, queue, image, userData);
        string? note = null;
        try
        {
            await DryRunAsync(request, launch, cancellationToken).ConfigureAwait(false);
        }
        catch (LaunchException e) when (launch.Spot && e.InnerException is AmazonEC2Exception refused && RefusesStop(refused))
        {
            // Some types (and images) cannot be stopped by EC2 on interruption: a one-time request, terminated instead.
            RunInstancesRequests.MakeOneTime(request);
            await DryRunAsync(request, launch, cancellationToken).ConfigureAwait(false);
            note = $"{launch.InstanceType} cannot be stopped on interruption ({refused.Message}): a one-time spot request instead, whose instance EC2 "
                + "terminates on interruption; go on with `spawn queue resume`";
        }

        return new LaunchPlan(queue.QueueId, launch.Region, bucket, queue.ResultPrefix, type, image.ImageId, agentPath, queueBytes, upload, userData, deadline, request)
        {
            Note = note,
            Resumes = launch.ResumedAt is not null,
        };
    }

    /// <param name="spotFallbackOnDemand">When EC2 has no spot capacity for the request, launch the same instance on-demand.</param>
    public async Task<LaunchedQueue> LaunchAsync(LaunchPlan plan, CancellationToken cancellationToken, bool spotFallbackOnDemand = false)
    {
        var uploader = new AgentUploader(s3, plan.Bucket, plan.Prefix);
        await Ask($"cannot upload the agent to s3://{plan.Bucket}/{plan.Prefix}/agent/", async () =>
        {
            await uploader.UploadAsync(plan.Upload, plan.AgentPath, plan.QueueBytes, cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
        try
        {
            plan.Request.DryRun = false;
            try
            {
                var response = await ec2.RunInstancesAsync(plan.Request, cancellationToken).ConfigureAwait(false);
                return new LaunchedQueue(plan, response.Reservation.Instances[0].InstanceId, clock.GetUtcNow());
            }
            catch (AmazonEC2Exception e) when (spotFallbackOnDemand && plan.Request.InstanceMarketOptions is not null && NoSpotCapacity.Contains(e.ErrorCode))
            {
                RunInstancesRequests.MakeOnDemand(plan.Request);
                var response = await ec2.RunInstancesAsync(plan.Request, cancellationToken).ConfigureAwait(false);
                return new LaunchedQueue(plan, response.Reservation.Instances[0].InstanceId, clock.GetUtcNow(), $"no spot capacity ({e.ErrorCode}): launched on-demand (--spot-fallback on-demand)");
            }
        }
        catch (Exception e) when (AwsErrorText.IsAwsFailure(e))
        {
            if (!plan.Resumes)
            {
                await uploader.RemoveAsync(plan.Upload, CancellationToken.None).ConfigureAwait(false);
            }

            throw RunInstancesFailure(e, plan.Request.IamInstanceProfile.Name);
        }
    }

    public static int DeadlineMinutes(QueueDefinition queue)
    {
        // In doubles: a file's bound may be TimeSpan.MaxValue, which the margin would overflow.
        var minutes = Math.Ceiling(QueueTimeBound.Of(queue).TotalMinutes + DeadlineMargin.TotalMinutes);
        return minutes >= int.MaxValue ? int.MaxValue : (int)minutes;
    }

    private async Task<string> BucketRegionAsync(string bucket, CancellationToken cancellationToken)
    {
        try
        {
            var location = await s3.GetBucketLocationAsync(bucket, cancellationToken).ConfigureAwait(false);
            // S3 answers "" for us-east-1 and the legacy "EU" for eu-west-1.
            return location.Location?.Value switch
            {
                null or "" => "us-east-1",
                "EU" => "eu-west-1",
                var region => region,
            };
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            throw LaunchException.BadInput($"result_s3_bucket \"{bucket}\" does not exist (nothing was launched; create it with `spawn setup --bucket {bucket}`, or fix the name)");
        }
        catch (Exception e) when (AwsErrorText.IsAwsFailure(e))
        {
            throw LaunchException.Aws($"cannot reach bucket {bucket}", e);
        }
    }

    /// <summary>EC2 checks the whole request (permissions, image, type, key, groups, subnet, profile) without starting anything.</summary>
    private async Task DryRunAsync(RunInstancesRequest request, LaunchRequest launch, CancellationToken cancellationToken)
    {
        request.DryRun = true;
        try
        {
            await ec2.RunInstancesAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode == "DryRunOperation")
        {
            return;
        }
        catch (Exception e) when (AwsErrorText.IsAwsFailure(e))
        {
            throw RunInstancesFailure(e, launch.EffectiveInstanceProfile);
        }
        finally
        {
            request.DryRun = false;
        }
    }

    private static LaunchException RunInstancesFailure(Exception e, string profile)
    {
        if (!IsMissingProfile(e))
        {
            return LaunchException.Aws("EC2 refused the launch", e);
        }

        return LaunchException.BadInput(profile == LaunchRequest.DefaultInstanceProfile
            ? $"no instance profile \"{profile}\": run `spawn setup` once (it creates the role the agent needs), or pass --iam-role PROFILE"
            : $"no instance profile \"{profile}\" (--iam-role): check the name, or run `spawn setup` and leave --iam-role out");
    }

    /// <summary>EC2 refusing the persistent, stop-on-interruption request itself (not the rest of the launch).</summary>
    private static bool RefusesStop(AmazonEC2Exception e) =>
        e.ErrorCode is "InvalidParameterCombination" or "UnsupportedOperation" or "Unsupported" or "InvalidParameterValue"
        && (e.Message.Contains("interruption", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("persistent", StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains("stop", StringComparison.OrdinalIgnoreCase));

    // Real EC2 answers InvalidParameterValue "…iamInstanceProfile.name is invalid"; moto answers NoSuchEntity.
    private static bool IsMissingProfile(Exception e) =>
        e is Amazon.Runtime.AmazonServiceException { ErrorCode: "NoSuchEntity" }
        || (e is Amazon.Runtime.AmazonServiceException { ErrorCode: "InvalidParameterValue" } && e.Message.Contains("iamInstanceProfile", StringComparison.Ordinal));

    private static async Task<T> Ask<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not LaunchException && AwsErrorText.IsAwsFailure(e))
        {
            throw LaunchException.Aws(what, e);
        }
    }
}
