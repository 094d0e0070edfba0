using System.Text.Json;
using Amazon.S3;

namespace Spawn.Aws.Tests;

/// <summary>The emulator fixture itself. Resets and restarts its own server, so it shares it with no other test.</summary>
public sealed class MotoServerTests : IAsyncLifetime
{
    private readonly MotoServer moto = new();

    public Task InitializeAsync() => moto.InitializeAsync();

    public Task DisposeAsync() => moto.DisposeAsync();

    [Fact]
    public async Task A_bucket_made_through_the_SDK_is_seen_by_the_AWS_CLI()
    {
        var bucket = await moto.CreateBucketAsync();

        var listed = JsonDocument.Parse(await moto.AwsCliAsync("s3api", "list-buckets"));

        Assert.Contains(bucket, listed.RootElement.GetProperty("Buckets").EnumerateArray().Select(b => b.GetProperty("Name").GetString()));
    }

    [Fact]
    public async Task The_CLI_reports_a_failure_with_its_error_text()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => moto.AwsCliAsync("s3api", "head-bucket", "--bucket", "no-such-bucket"));

        Assert.Contains("exited with code", error.Message);
        Assert.Contains("Not Found", error.Message);
    }

    [Fact]
    public async Task Validation_is_on_for_instance_types()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => moto.AwsCliAsync(
            "ec2", "run-instances", "--image-id", "ami-12c6146b", "--instance-type", "t3.nonexistent", "--count", "1"));

        Assert.Contains("InvalidInstanceType", error.Message);
    }

    [Fact]
    public async Task A_reset_forgets_every_bucket()
    {
        var bucket = await moto.CreateBucketAsync();

        await moto.ResetAsync();

        using var client = moto.CreateClient();
        Assert.DoesNotContain(bucket, (await client.ListBucketsAsync()).Buckets?.Select(b => b.BucketName) ?? []);
    }

    [Fact]
    public async Task A_restart_comes_back_on_the_same_port_with_no_data()
    {
        var bucket = await moto.CreateBucketAsync();
        var endpoint = moto.Endpoint;

        await moto.StopAsync();
        await moto.StartAsync();

        Assert.Equal(endpoint, moto.Endpoint);
        using var client = moto.CreateClient();
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => client.GetBucketLocationAsync(bucket));
        Assert.Equal("NoSuchBucket", error.ErrorCode);
    }

    [Fact]
    public void The_test_process_reaches_a_running_server_through_the_standard_variables()
    {
        Assert.StartsWith("http://127.0.0.1:", Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"));
        Assert.Equal(MotoServer.AccessKeyId, Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"));
        Assert.Equal("us-east-1", moto.ChildEnvironment["AWS_REGION"]);
        Assert.Equal(moto.Endpoint, moto.ChildEnvironment["AWS_ENDPOINT_URL"]);
        Assert.True(File.Exists(Path.Combine(MotoServer.RepositoryRoot, "Spawn.slnx")));
    }
}
