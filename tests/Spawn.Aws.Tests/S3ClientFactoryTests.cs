using Amazon.S3;

namespace Spawn.Aws.Tests;

[Collection(MotoCollection.Name)]
public sealed class S3ClientFactoryTests(MotoServer s3)
{
    [Fact]
    public async Task The_standard_endpoint_variable_reaches_a_compatible_store_and_uploads_stay_byte_exact()
    {
        var bucket = await s3.CreateBucketAsync();
        var work = TestFiles.TempDirectory();
        var small = TestFiles.Write(work, "one.bin", 1);
        var large = TestFiles.Write(work, "large.bin", 25 * 1024 * 1024);
        // Only this test builds its client from the environment; the others pass the endpoint explicitly.
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_S3", s3.Endpoint);
        try
        {
            using var client = S3ClientFactory.Create(region: null);
            var store = new S3ResultStore(bucket, "queues/env", client, TimeProvider.System);

            await store.PutFileAsync("jobs/j/one.bin", small, CancellationToken.None);
            await store.PutFileAsync("jobs/j/large.bin", large, CancellationToken.None);

            Assert.Equal(TestFiles.Sha256(small), await TestFiles.Sha256Async(client, bucket, "queues/env/jobs/j/one.bin"));
            Assert.Equal(TestFiles.Sha256(large), await TestFiles.Sha256Async(client, bucket, "queues/env/jobs/j/large.bin"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_S3", null);
        }
    }

    [Fact]
    public void A_custom_endpoint_addresses_buckets_in_the_path_and_keeps_the_SDKs_checksum_defaults()
    {
        using var client = S3ClientFactory.Create("us-east-1", s3.Endpoint);

        var config = (AmazonS3Config)client.Config;
        // What the SDK chooses by itself (WHEN_SUPPORTED, unless this machine's environment or profile says otherwise).
        var sdk = new AmazonS3Config();
        Assert.True(config.ForcePathStyle);
        Assert.Equal(sdk.RequestChecksumCalculation, config.RequestChecksumCalculation);
        Assert.Equal(sdk.ResponseChecksumValidation, config.ResponseChecksumValidation);
    }
}
