using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using Spawn.Core.Model;

namespace Spawn.Aws.Launch;

/// <summary>The one RunInstances call of a launch: every flag of <c>spawn launch</c> lands here.</summary>
public static class RunInstancesRequests
{
    public static RunInstancesRequest Build(LaunchRequest launch, QueueDefinition queue, Image image, string userData)
    {
        var tags = Tags(launch, queue);
        var request = new RunInstancesRequest
        {
            ImageId = image.ImageId,
            InstanceType = launch.InstanceType,
            MinCount = 1,
            MaxCount = 1,
            UserData = Convert.ToBase64String(Encoding.UTF8.GetBytes(userData)),
            IamInstanceProfile = new IamInstanceProfileSpecification { Name = launch.EffectiveInstanceProfile },
            // IMDSv2 only: the instance role's credentials are not readable through a forwarded plain GET.
            MetadataOptions = new InstanceMetadataOptionsRequest { HttpTokens = HttpTokensState.Required, HttpEndpoint = InstanceMetadataEndpointState.Enabled },
            // The agent ends the instance by powering it off; this makes that a termination, so nothing keeps costing.
            InstanceInitiatedShutdownBehavior = ShutdownBehavior.Terminate,
            TagSpecifications =
            [
                new TagSpecification { ResourceType = ResourceType.Instance, Tags = tags },
                new TagSpecification { ResourceType = ResourceType.Volume, Tags = tags },
            ],
        };
        if (launch.Spot)
        {
            // Persistent and stopped on interruption: the disk (local files, the state) survives an interruption, and
            // EC2 starts the instance again when capacity returns; the unit resumes the queue. At the queue's end the
            // agent cancels the request before it powers off, or EC2 would start a replacement (SpotRequestCancellation).
            // EC2 allows stop only with a persistent request; the launcher falls back to one-time where it is refused.
            request.InstanceMarketOptions = new InstanceMarketOptionsRequest
            {
                MarketType = MarketType.Spot,
                SpotOptions = new SpotMarketOptions
                {
                    SpotInstanceType = SpotInstanceType.Persistent,
                    InstanceInterruptionBehavior = InstanceInterruptionBehavior.Stop,
                    MaxPrice = launch.MaxPrice,
                },
            };

            // The instance role may cancel only spot requests tagged spawn:queue-id (docs/iam.md).
            request.TagSpecifications.Add(new TagSpecification { ResourceType = ResourceType.SpotInstancesRequest, Tags = tags });
        }

        if (launch.DiskSizeGb is { } size)
        {
            request.BlockDeviceMappings =
            [
                new BlockDeviceMapping
                {
                    DeviceName = image.RootDeviceName ?? "/dev/xvda",
                    Ebs = new EbsBlockDevice { VolumeSize = size, VolumeType = VolumeType.Gp3, DeleteOnTermination = true },
                },
            ];
        }

        var groupIds = launch.SecurityGroups.Where(g => g.StartsWith("sg-", StringComparison.Ordinal)).ToList();
        var groupNames = launch.SecurityGroups.Except(groupIds).ToList();
        if (groupIds.Count > 0)
        {
            request.SecurityGroupIds = groupIds;
        }

        if (groupNames.Count > 0)
        {
            request.SecurityGroups = groupNames;
        }

        request.SubnetId = launch.Subnet;
        request.KeyName = launch.KeyName;
        return request;
    }

    /// <summary>The same request with a one-time spot request that EC2 terminates on interruption (where stop is refused).</summary>
    public static void MakeOneTime(RunInstancesRequest request)
    {
        request.InstanceMarketOptions.SpotOptions.SpotInstanceType = SpotInstanceType.OneTime;
        request.InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior = InstanceInterruptionBehavior.Terminate;
    }

    /// <summary>The same request for an on-demand instance (no spot market, no spot request to tag).</summary>
    public static void MakeOnDemand(RunInstancesRequest request)
    {
        request.InstanceMarketOptions = null;
        request.TagSpecifications.RemoveAll(t => t.ResourceType == ResourceType.SpotInstancesRequest);
    }

    private static List<Tag> Tags(LaunchRequest launch, QueueDefinition queue)
    {
        var tags = new List<Tag>
        {
            new(InstanceTags.Name, launch.Name ?? $"spawn-{queue.QueueId}"),
            new(InstanceTags.QueueId, queue.QueueId),
            new(InstanceTags.Results, InstanceTags.FormatResults(queue.ResultS3Bucket!, queue.ResultPrefix)),
        };
        tags.AddRange(launch.Tags.Select(t => new Tag(t.Key, t.Value)));
        return tags;
    }
}
