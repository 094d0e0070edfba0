using System.Text.Json;
using Spawn.Aws.Setup;

namespace Spawn.Aws.Tests.Setup;

public sealed class AgentRolePoliciesTests
{
    private const string Bucket = "spawn-results-eu-west-1";

    [Fact]
    public void The_permissions_are_a_valid_policy_document_naming_the_bucket_and_its_objects()
    {
        using var document = JsonDocument.Parse(AgentRolePolicies.Permissions(Bucket, "eu-west-1"));

        Assert.Equal("2012-10-17", document.RootElement.GetProperty("Version").GetString());
        var resources = Statements(document).Select(s => s.GetProperty("Resource").GetString()).ToList();
        Assert.Contains($"arn:aws:s3:::{Bucket}", resources);
        Assert.Contains($"arn:aws:s3:::{Bucket}/*", resources);
    }

    [Fact]
    public void The_permissions_allow_exactly_the_agents_calls_and_nothing_else()
    {
        using var document = JsonDocument.Parse(AgentRolePolicies.Permissions(Bucket, "eu-west-1"));

        var granted = Statements(document)
            .SelectMany(s => s.GetProperty("Action").EnumerateArray().Select(a => (Action: a.GetString(), Resource: s.GetProperty("Resource").GetString())))
            .ToList();
        Assert.All(Statements(document), s => Assert.Equal("Allow", s.GetProperty("Effect").GetString()));
        Assert.Equal(
            [
                ("s3:GetObject", $"arn:aws:s3:::{Bucket}/*"),
                ("s3:PutObject", $"arn:aws:s3:::{Bucket}/*"),
                ("s3:AbortMultipartUpload", $"arn:aws:s3:::{Bucket}/*"),
                ("s3:ListBucket", $"arn:aws:s3:::{Bucket}"),
                ("ec2:DescribeSpotInstanceRequests", "*"),
                ("ec2:CancelSpotInstanceRequests", "arn:aws:ec2:*:*:spot-instances-request/*"),
            ],
            granted);
    }

    [Fact]
    public void Cancelling_spot_requests_is_limited_to_the_ones_spawn_tagged()
    {
        using var document = JsonDocument.Parse(AgentRolePolicies.Permissions(Bucket, "eu-west-1"));

        var cancel = Statements(document).Single(s => s.GetProperty("Action")[0].GetString() == "ec2:CancelSpotInstanceRequests");
        Assert.Equal("false", cancel.GetProperty("Condition").GetProperty("Null").GetProperty("ec2:ResourceTag/spawn:queue-id").GetString());
        Assert.Single(Statements(document), s => s.TryGetProperty("Condition", out _));
    }

    [Theory]
    [InlineData("cn-north-1", "arn:aws-cn:")]
    [InlineData("us-gov-west-1", "arn:aws-us-gov:")]
    [InlineData("ap-southeast-4", "arn:aws:")]
    public void Resources_are_named_in_the_regions_partition(string region, string arnStart)
    {
        using var document = JsonDocument.Parse(AgentRolePolicies.Permissions(Bucket, region));

        Assert.All(
            Statements(document).Select(s => s.GetProperty("Resource").GetString()!).Where(r => r != "*"),
            r => Assert.StartsWith(arnStart, r, StringComparison.Ordinal));
    }

    [Fact]
    public void Only_EC2_may_assume_the_role()
    {
        using var document = JsonDocument.Parse(AgentRolePolicies.Trust());

        var statement = Assert.Single(Statements(document));
        Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
        Assert.Equal("sts:AssumeRole", statement.GetProperty("Action").GetString());
        var principal = Assert.Single(statement.GetProperty("Principal").EnumerateObject());
        Assert.Equal(("Service", "ec2.amazonaws.com"), (principal.Name, principal.Value.GetString()));
    }

    [Fact]
    public void Each_bucket_gets_its_own_policy_name_so_a_second_region_adds_rather_than_replaces()
    {
        Assert.Equal("spawn-agent-spawn-results-us-east-1", AgentRolePolicies.PolicyName("spawn-results-us-east-1"));
        Assert.NotEqual(AgentRolePolicies.PolicyName("spawn-results-us-east-1"), AgentRolePolicies.PolicyName(Bucket));
    }

    private static IEnumerable<JsonElement> Statements(JsonDocument document) => document.RootElement.GetProperty("Statement").EnumerateArray();
}
