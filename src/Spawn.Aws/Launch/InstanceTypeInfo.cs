using Amazon.EC2;
using Amazon.EC2.Model;

namespace Spawn.Aws.Launch;

/// <summary>What EC2 says of an instance type: the architecture the AMI and the agent must match, and its size.</summary>
/// <param name="Architecture">EC2's word: <c>x86_64</c> or <c>arm64</c>.</param>
public sealed record InstanceTypeInfo(string InstanceType, string Architecture, int VCpus, int Gpus)
{
    /// <summary>The .NET runtime identifier of builds for this architecture (the folder under the agent directory).</summary>
    public string RuntimeIdentifier => Architecture == "arm64" ? "linux-arm64" : "linux-x64";

    public static async Task<InstanceTypeInfo> DescribeAsync(IAmazonEC2 ec2, string instanceType, CancellationToken cancellationToken)
    {
        DescribeInstanceTypesResponse response;
        try
        {
            response = await ec2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest { InstanceTypes = [instanceType] }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode is "InvalidInstanceType" or "InvalidParameterValue")
        {
            throw new LaunchException($"unknown instance type \"{instanceType}\" in this region ({e.Message})", 1, e);
        }

        var info = response.InstanceTypes?.FirstOrDefault()
            ?? throw new LaunchException($"unknown instance type \"{instanceType}\" in this region", 1);
        var architectures = info.ProcessorInfo?.SupportedArchitectures ?? [];
        // A few x86 types also list i386; arm64_mac is a Mac host, which this agent does not run on.
        var architecture = architectures.Contains("arm64") ? "arm64" : architectures.Contains("x86_64") ? "x86_64"
            : throw new LaunchException($"instance type {instanceType} runs {string.Join("/", architectures)}; spored is built for x86_64 and arm64 Linux", 2);
        return new InstanceTypeInfo(
            instanceType,
            architecture,
            info.VCpuInfo?.DefaultVCpus ?? 0,
            info.GpuInfo?.Gpus?.Sum(g => g.Count ?? 0) ?? 0);
    }
}
