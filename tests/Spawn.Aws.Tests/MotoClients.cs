using Amazon.S3;

namespace Spawn.Aws.Tests;

internal static class MotoClients
{
    /// <summary>The S3 client spawn itself builds for a custom endpoint, pointed at this server: the one the code under test gets.</summary>
    public static AmazonS3Client CreateSpawnClient(this MotoServer moto) => S3ClientFactory.Create(MotoServer.Region, moto.Endpoint);
}
