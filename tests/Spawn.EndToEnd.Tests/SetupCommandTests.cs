using Spawn.Tests.Shared;
using System.Text.Json.Nodes;
using Spawn.Aws.Setup;

namespace Spawn.EndToEnd.Tests;

/// <summary>
/// <c>spawn setup</c> against moto, every result read back with the AWS CLI (an independent client): what it
/// creates, that a second run creates nothing, and that <c>--print</c> and a machine without the CLI create nothing
/// in IAM.
/// </summary>
public sealed class SetupCommandTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private const string Bucket = "spawn-results-us-east-1";
    private const string Role = "spawn-queue";
    private const string Policy = "spawn-agent-spawn-results-us-east-1";

    private readonly Workspace ws = MotoWorkspace.Create(moto);

    public Task InitializeAsync() => moto.ResetAsync();

    public Task DisposeAsync()
    {
        ws.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Setup_creates_the_bucket_the_role_its_policy_and_the_instance_profile_holding_the_role()
    {
        var setup = await ws.SpawnAsync("setup");

        Assert.True(setup.ExitCode == 0, setup.ToString());
        Assert.Equal(0, (await moto.TryAwsCliAsync("s3api", "head-bucket", "--bucket", Bucket)).ExitCode);
        var role = await Json(moto.TryAwsCliAsync("iam", "get-role", "--role-name", Role, "--output", "json"));
        Assert.Equal("ec2.amazonaws.com", role["Role"]!["AssumeRolePolicyDocument"]!["Statement"]![0]!["Principal"]!["Service"]!.GetValue<string>());
        var profile = await Json(moto.TryAwsCliAsync("iam", "get-instance-profile", "--instance-profile-name", Role, "--output", "json"));
        Assert.Equal([Role], profile["InstanceProfile"]!["Roles"]!.AsArray().Select(r => r!["RoleName"]!.GetValue<string>()));
        var policy = await Json(moto.TryAwsCliAsync("iam", "get-role-policy", "--role-name", Role, "--policy-name", Policy, "--output", "json"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(AgentRolePolicies.Permissions(Bucket, "us-east-1")), policy["PolicyDocument"]), policy.ToJsonString());
        Assert.Contains($"arn:aws:s3:::{Bucket}/*", policy.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains($"--iam-role {Role}", setup.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_setup_creates_nothing_new_and_says_everything_is_already_there()
    {
        var first = await ws.SpawnAsync("setup");
        Assert.True(first.ExitCode == 0, first.ToString());
        var created = await Json(moto.TryAwsCliAsync("iam", "get-role", "--role-name", Role, "--output", "json"));

        var second = await ws.SpawnAsync("setup");

        Assert.True(second.ExitCode == 0, second.ToString());
        var lines = second.Stdout.TrimEnd().Split('\n');
        Assert.All(lines[..^1], l => Assert.EndsWith(": already there", l, StringComparison.Ordinal));
        Assert.Equal(5, lines.Length - 1);
        Assert.Equal("everything was already there; nothing changed", lines[^1]);
        var after = await Json(moto.TryAwsCliAsync("iam", "get-role", "--role-name", Role, "--output", "json"));
        Assert.Equal(created["Role"]!["RoleId"]!.GetValue<string>(), after["Role"]!["RoleId"]!.GetValue<string>());
        Assert.Single((await Json(moto.TryAwsCliAsync("iam", "list-roles", "--output", "json")))["Roles"]!.AsArray());
        Assert.Single((await Json(moto.TryAwsCliAsync("iam", "list-instance-profiles", "--output", "json")))["InstanceProfiles"]!.AsArray());
        Assert.Single((await Json(moto.TryAwsCliAsync("iam", "list-role-policies", "--role-name", Role, "--output", "json")))["PolicyNames"]!.AsArray());
        Assert.Single((await Json(moto.TryAwsCliAsync("s3api", "list-buckets", "--output", "json")))["Buckets"]!.AsArray());
    }

    [Fact]
    public async Task Setup_in_a_second_region_makes_its_bucket_there_and_adds_that_buckets_policy_to_the_same_role()
    {
        Assert.Equal(0, (await ws.SpawnAsync("setup")).ExitCode);

        var europe = await ws.SpawnAsync("setup", "--region", "eu-west-1");

        Assert.True(europe.ExitCode == 0, europe.ToString());
        var location = await Json(moto.TryAwsCliAsync("s3api", "get-bucket-location", "--bucket", "spawn-results-eu-west-1", "--output", "json"));
        Assert.Equal("eu-west-1", location["LocationConstraint"]!.GetValue<string>());
        var policies = await Json(moto.TryAwsCliAsync("iam", "list-role-policies", "--role-name", Role, "--output", "json"));
        Assert.Equal(
            ["spawn-agent-spawn-results-eu-west-1", Policy],
            policies["PolicyNames"]!.AsArray().Select(p => p!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Print_creates_nothing_and_prints_commands_that_once_run_leave_nothing_for_setup_to_do()
    {
        var print = await ws.SpawnAsync("setup", "--print");

        Assert.True(print.ExitCode == 0, print.ToString());
        foreach (var command in new[] { "aws s3api create-bucket --bucket spawn-results-us-east-1", "aws iam create-role --role-name spawn-queue", "aws iam put-role-policy --role-name spawn-queue",
            "aws iam create-instance-profile --instance-profile-name spawn-queue", "aws iam add-role-to-instance-profile --instance-profile-name spawn-queue --role-name spawn-queue" })
        {
            Assert.Contains(command, print.Stdout, StringComparison.Ordinal);
        }

        Assert.Equal("NoSuchEntity", (await moto.TryAwsCliAsync("iam", "get-role", "--role-name", Role)).ErrorCode);
        Assert.Equal("NoSuchEntity", (await moto.TryAwsCliAsync("iam", "get-instance-profile", "--instance-profile-name", Role)).ErrorCode);
        Assert.NotEqual(0, (await moto.TryAwsCliAsync("s3api", "head-bucket", "--bucket", Bucket)).ExitCode);

        // The printed script is exact: run by a shell, it does all that setup would.
        var pasted = await ws.RunAsync("/bin/bash", ["-c", print.Stdout]);
        Assert.True(pasted.ExitCode == 0, pasted.ToString());
        var setup = await ws.SpawnAsync("setup");
        Assert.True(setup.ExitCode == 0, setup.ToString());
        Assert.EndsWith("everything was already there; nothing changed\n", setup.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_aws_cli_setup_creates_the_bucket_prints_the_iam_commands_and_creates_nothing_in_iam()
    {
        ws.Environment["PATH"] = string.Join(':', (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Where(d => !File.Exists(Path.Combine(d, "aws"))));

        var setup = await ws.SpawnAsync("setup");

        Assert.True(setup.ExitCode == 0, setup.ToString());
        Assert.Contains("not on PATH", setup.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("#", setup.Stdout, StringComparison.Ordinal);
        Assert.Contains("aws iam create-role --role-name spawn-queue", setup.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("create-bucket", setup.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, (await moto.TryAwsCliAsync("s3api", "head-bucket", "--bucket", Bucket)).ExitCode);
        Assert.Equal("NoSuchEntity", (await moto.TryAwsCliAsync("iam", "get-role", "--role-name", Role)).ErrorCode);
        Assert.Equal("NoSuchEntity", (await moto.TryAwsCliAsync("iam", "get-instance-profile", "--instance-profile-name", Role)).ErrorCode);
    }

    [Theory]
    [InlineData("--bucket", "Not_A_Bucket")]
    [InlineData("--region", "nowhere")]
    [InlineData("--role-name", "no/slashes")]
    public async Task A_mistyped_name_is_one_line_and_exit_2_and_creates_nothing(string option, string value)
    {
        var setup = await ws.SpawnAsync("setup", option, value);

        Assert.True(setup.ExitCode == 2, setup.ToString());
        Assert.Equal("", setup.Stdout);
        Assert.Single(setup.Stderr.TrimEnd().Split('\n'));
        Assert.Contains(value, setup.Stderr, StringComparison.Ordinal);
        Assert.Empty((await Json(moto.TryAwsCliAsync("s3api", "list-buckets", "--output", "json")))["Buckets"]!.AsArray());
        Assert.Empty((await Json(moto.TryAwsCliAsync("iam", "list-roles", "--output", "json")))["Roles"]!.AsArray());
    }

    [Fact]
    public async Task A_role_of_that_name_that_EC2_may_not_assume_is_one_line_and_exit_1_and_is_left_as_it_is()
    {
        const string lambdaTrust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
        Assert.Equal(0, (await moto.TryAwsCliAsync("iam", "create-role", "--role-name", Role, "--assume-role-policy-document", lambdaTrust)).ExitCode);

        var setup = await ws.SpawnAsync("setup");

        Assert.True(setup.ExitCode == 1, setup.ToString());
        var error = Assert.Single(setup.Stderr.TrimEnd().Split('\n'));
        Assert.Contains("EC2 may not assume it", error, StringComparison.Ordinal);
        Assert.Empty((await Json(moto.TryAwsCliAsync("iam", "list-role-policies", "--role-name", Role, "--output", "json")))["PolicyNames"]!.AsArray());
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_one_line_and_exit_1_without_a_stack_trace()
    {
        ws.Environment["AWS_ENDPOINT_URL"] = $"http://127.0.0.1:{ClosedPort()}";

        var setup = await ws.SpawnAsync("setup");

        Assert.True(setup.ExitCode == 1, setup.ToString());
        var error = Assert.Single(setup.Stderr.TrimEnd().Split('\n'));
        Assert.StartsWith($"error: bucket {Bucket}: ", error, StringComparison.Ordinal);
    }

    private static async Task<JsonNode> Json(Task<AwsCliResult> command)
    {
        var result = await command;
        Assert.True(result.Succeeded, $"aws failed: {result.Stderr}");
        return JsonNode.Parse(result.Stdout)!;
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
