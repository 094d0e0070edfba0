using Spawn.Aws.Setup;

namespace Spawn.Aws.Tests.Setup;

public sealed class SetupNamesTests
{
    [Theory]
    [InlineData("spawn-results-us-east-1")]
    [InlineData("abc")]
    [InlineData("my.bucket-2")]
    public void Valid_bucket_names_pass(string bucket) => Assert.Null(SetupNames.BucketProblem(bucket));

    [Theory]
    [InlineData("ab")]
    [InlineData("Upper")]
    [InlineData("under_score")]
    [InlineData("-leading")]
    [InlineData("trailing-")]
    [InlineData("two..dots")]
    [InlineData("192.168.1.1")]
    public void Invalid_bucket_names_are_named_in_the_problem(string bucket) =>
        Assert.Contains($"\"{bucket}\"", SetupNames.BucketProblem(bucket), StringComparison.Ordinal);

    [Fact]
    public void A_bucket_name_longer_than_63_characters_is_refused() => Assert.NotNull(SetupNames.BucketProblem(new string('a', 64)));

    [Theory]
    [InlineData("spawn-queue", true)]
    [InlineData("Spawn+Role=,.@_-1", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("has/slash", false)]
    public void Role_names_follow_IAMs_rule(string role, bool valid) => Assert.Equal(valid, SetupNames.RoleProblem(role) is null);

    [Theory]
    [InlineData("us-east-1", true)]
    [InlineData("us-gov-west-1", true)]
    [InlineData("ap-southeast-4", true)]
    [InlineData("us-east", false)]
    [InlineData("US-EAST-1", false)]
    [InlineData("nowhere", false)]
    [InlineData("us-east-1a", false)]
    public void Region_names_have_the_shape_of_one(string region, bool valid) => Assert.Equal(valid, RegionNames.Problem(region) is null);

    [Fact]
    public void The_default_bucket_is_spawn_results_and_the_region() => Assert.Equal("spawn-results-eu-west-1", SetupNames.DefaultBucket("eu-west-1"));
}
