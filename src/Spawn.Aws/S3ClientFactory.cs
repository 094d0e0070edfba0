using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Spawn.Aws;

/// <summary>
/// Builds the S3 client from the SDK's standard chains: credentials and region from the environment, the shared
/// profile or the instance role; a custom endpoint from <c>AWS_ENDPOINT_URL_S3</c> / <c>AWS_ENDPOINT_URL</c>
/// (or <c>endpoint_url</c> in the profile), which the SDK itself honours.
/// </summary>
public static class S3ClientFactory
{
    private const string FallbackRegion = "us-east-1";

    /// <param name="region">The bucket's region; null takes the SDK's region chain (AWS_REGION, profile, instance).</param>
    /// <param name="endpoint">An explicit endpoint URL; null takes the configured one, if any.</param>
    public static AmazonS3Client Create(string? region, string? endpoint = null)
    {
        var config = new AmazonS3Config();
        if (!string.IsNullOrEmpty(region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        var customEndpoint = string.IsNullOrEmpty(endpoint) ? ConfiguredEndpoint(config) : endpoint;
        if (customEndpoint is not null)
        {
            AdaptToCompatibleStore(config, customEndpoint, region);
        }
        else if (config.RegionEndpoint is null && FallbackRegionFactory.GetRegionEndpoint() is null)
        {
            // The SDK refuses to build a client without a region; us-east-1 is where the convention bucket of
            // `spawn-results-{region}` starts, and S3 names the right region in its error if the bucket is elsewhere.
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(FallbackRegion);
        }

        return new AmazonS3Client(config);
    }

    /// <summary>
    /// S3-compatible stores (MinIO, Ceph, moto…) take bucket names in the path. Everything else stays the SDK's
    /// default, integrity checksums included (aws-chunked bodies with a trailing CRC32). A store that cannot take
    /// those is served by the SDK's own switch, read from the environment or the profile when the process starts:
    /// AWS_REQUEST_CHECKSUM_CALCULATION=when_required and AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
    /// (request_checksum_calculation / response_checksum_validation in the profile); see docs/s3.md.
    /// </summary>
    private static void AdaptToCompatibleStore(AmazonS3Config config, string endpoint, string? region)
    {
        var signingRegion = FirstSet(region, Environment.GetEnvironmentVariable("AWS_REGION"), Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"));
        config.ServiceURL = endpoint;
        // Setting ServiceURL clears the region; signing still needs one, and compatible stores accept any.
        config.AuthenticationRegion = signingRegion ?? FallbackRegion;
        config.ForcePathStyle = true;
    }

    /// <summary>The endpoint the SDK would use from the environment; null for AWS's own.</summary>
    private static string? ConfiguredEndpoint(AmazonS3Config config)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return FirstSet(
            config.ServiceURL,
            Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3"),
            Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"));
    }

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrEmpty(v));
}
