using Spawn.Tests.Shared;
using System.Diagnostics;

namespace Spawn.Aws.Tests;

/// <summary>The IMDSv2 client against the stub, and what it costs where no metadata service answers.</summary>
public sealed class InstanceMetadataTests
{
    [Fact]
    public async Task It_reads_the_instance_id_region_type_and_life_cycle_with_a_session_token()
    {
        await using var stub = await ImdsStub.StartAsync("i-0123456789abcdef0", "eu-central-1", "g5.2xlarge", "--life-cycle", "spot");
        using var metadata = new InstanceMetadata(new Uri(stub.Endpoint));

        var described = await metadata.DescribeAsync(CancellationToken.None);

        Assert.Equal(new InstanceDescription("i-0123456789abcdef0", "eu-central-1", "g5.2xlarge", "spot"), described);
        Assert.Equal("i-0123456789abcdef0 (g5.2xlarge, spot) in eu-central-1", described!.ToString());
        // IMDSv2: the token first, then GETs that carry it (the stub answers a GET without the token with 401).
        var log = await stub.RequestsAsync(5);
        Assert.StartsWith("imds-stub: PUT /latest/api/token HTTP/1.1 -> 200", log[0]);
        Assert.All(log.Skip(1), r => Assert.Matches(@"GET /latest/meta-data/\S+ HTTP/1.1 -> 200$", r));
    }

    [Fact]
    public async Task The_endpoint_variable_points_it_at_another_address()
    {
        await using var stub = await ImdsStub.StartAsync("i-0aaaabbbbccccdddd", "us-west-2", "t3.micro");
        using var metadata = InstanceMetadata.FromEnvironment(Variables(("AWS_EC2_METADATA_SERVICE_ENDPOINT", stub.Endpoint)));

        var described = await metadata!.DescribeAsync(CancellationToken.None);

        Assert.Equal(new InstanceDescription("i-0aaaabbbbccccdddd", "us-west-2", "t3.micro", "on-demand"), described);
    }

    [Fact]
    public void Turned_off_by_the_sdks_variable_it_asks_nothing_at_all()
    {
        Assert.Null(InstanceMetadata.FromEnvironment(Variables(("AWS_EC2_METADATA_DISABLED", "true"), ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1"))));
        Assert.Null(InstanceMetadata.FromEnvironment(Variables(("AWS_EC2_METADATA_DISABLED", "TRUE"))));
        using var enabled = InstanceMetadata.FromEnvironment(Variables(("AWS_EC2_METADATA_DISABLED", "false")));
        Assert.NotNull(enabled);
    }

    [Fact]
    public void An_endpoint_variable_that_is_not_a_url_is_an_error_that_names_it()
    {
        var error = Assert.Throws<FormatException>(() => InstanceMetadata.FromEnvironment(Variables(("AWS_EC2_METADATA_SERVICE_ENDPOINT", "169.254.169.254"))));

        Assert.Equal("AWS_EC2_METADATA_SERVICE_ENDPOINT is not an http:// URL: \"169.254.169.254\"", error.Message);
    }

    [Fact]
    public async Task An_address_that_refuses_is_no_instance_within_milliseconds()
    {
        using var metadata = new InstanceMetadata(new Uri($"http://127.0.0.1:{ImdsStub.FreePort()}"));
        var clock = Stopwatch.StartNew();

        var described = await metadata.DescribeAsync(CancellationToken.None);

        Assert.Null(described);
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500), $"took {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task An_address_that_never_answers_is_no_instance_after_two_one_second_tries()
    {
        using var silent = new SilentAddress();
        using var metadata = new InstanceMetadata(new Uri(silent.Endpoint));
        var clock = Stopwatch.StartNew();

        var described = await metadata.DescribeAsync(CancellationToken.None);

        Assert.Null(described);
        // Two tries of at most 1 s each: bounded, and long enough to show the connection really hung.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(3.5));
    }

    private static Func<string, string?> Variables(params (string Name, string Value)[] set) =>
        name => set.FirstOrDefault(v => v.Name == name).Value;
}
