using Spawn.Aws.Setup;

namespace Spawn.Aws.Tests.Setup;

public sealed class SetupScriptTests
{
    [Fact]
    public void The_script_creates_the_bucket_in_its_region_then_the_role_its_policy_and_its_profile_in_that_order()
    {
        var role = new AgentRoleCommands("spawn-queue", "spawn-results-eu-west-1", "eu-west-1");

        var script = SetupScript.Render("spawn-results-eu-west-1", "eu-west-1", role);

        var commands = script.Split('\n').Where(l => l.StartsWith("aws ", StringComparison.Ordinal)).Select(l => string.Join(' ', l.Split(' ').Take(3))).ToList();
        Assert.Equal(["aws s3api create-bucket", "aws iam create-role", "aws iam put-role-policy", "aws iam create-instance-profile", "aws iam add-role-to-instance-profile"], commands);
        Assert.Contains("--create-bucket-configuration LocationConstraint=eu-west-1", script, StringComparison.Ordinal);
        Assert.Contains("arn:aws:s3:::spawn-results-eu-west-1/*", script, StringComparison.Ordinal);
    }

    [Fact]
    public void In_us_east_1_the_bucket_is_created_without_a_location_constraint()
    {
        Assert.DoesNotContain("LocationConstraint", string.Join(' ', BucketSetup.CliCommand("b-b-b", "us-east-1")), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_bucket_to_create_the_script_is_the_iam_half_only()
    {
        var script = SetupScript.Render(bucketToCreate: null, "us-east-1", new AgentRoleCommands("r", "b-b-b", "us-east-1"));

        Assert.DoesNotContain("s3api", script, StringComparison.Ordinal);
        Assert.Contains("aws iam create-role --role-name r", script, StringComparison.Ordinal);
    }
}
