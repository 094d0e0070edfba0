using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;

namespace Spawn.Aws.Launch;

/// <summary>
/// EC2 and SSM clients for one region, from the SDK's standard chains (credentials from the environment, the
/// profile or an instance role; a custom endpoint from <c>AWS_ENDPOINT_URL_EC2</c> / <c>AWS_ENDPOINT_URL</c>, which
/// the SDK itself honours — that is how the tests reach the emulator).
/// </summary>
public static class AwsClients
{
    private const string FallbackRegion = "us-east-1";

    /// <summary>The region a command works in: the flag, else the SDK's region chain, else us-east-1.</summary>
    public static string ResolveRegion(string? region) =>
        !string.IsNullOrWhiteSpace(region) ? region : FallbackRegionFactory.GetRegionEndpoint()?.SystemName ?? FallbackRegion;

    public static IAmazonEC2 Ec2(string region) => new AmazonEC2Client(new AmazonEC2Config { RegionEndpoint = RegionEndpoint.GetBySystemName(region) });

    public static IAmazonSimpleSystemsManagement Ssm(string region) =>
        new AmazonSimpleSystemsManagementClient(new AmazonSimpleSystemsManagementConfig { RegionEndpoint = RegionEndpoint.GetBySystemName(region) });
}
