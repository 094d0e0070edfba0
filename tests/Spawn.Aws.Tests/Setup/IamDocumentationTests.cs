using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Spawn.Aws.Setup;

namespace Spawn.Aws.Tests.Setup;

/// <summary>docs/iam.md says what spawn setup does: its JSON parses, and its instance policy is the generated one.</summary>
public sealed partial class IamDocumentationTests
{
    private static readonly string Page = File.ReadAllText(Path.Combine(Spawn.Tests.Shared.MotoServer.RepositoryRoot, "docs", "iam.md"));

    [Fact]
    public void Every_policy_on_the_page_is_valid_json()
    {
        var blocks = JsonBlocks().Matches(Page).Select(m => m.Groups["json"].Value).ToList();

        Assert.Equal(3, blocks.Count);
        Assert.All(blocks, b => Assert.Equal("2012-10-17", JsonDocument.Parse(b).RootElement.GetProperty("Version").GetString()));
    }

    [Fact]
    public void The_instance_role_policy_on_the_page_is_the_one_setup_generates_for_the_default_bucket()
    {
        var marked = Page[(Page.IndexOf("<!-- instance-role-policy -->", StringComparison.Ordinal) + 1)..];
        var documented = JsonBlocks().Match(marked).Groups["json"].Value;

        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(documented), JsonNode.Parse(AgentRolePolicies.Permissions("spawn-results-us-east-1", "us-east-1"))),
            "docs/iam.md's instance role policy differs from AgentRolePolicies.Permissions: update the page");
    }

    [Fact]
    public void The_trust_policy_on_the_page_is_the_one_setup_generates()
    {
        var trust = JsonBlocks().Matches(Page).Select(m => JsonNode.Parse(m.Groups["json"].Value)).Single(n => n!.ToJsonString().Contains("sts:AssumeRole", StringComparison.Ordinal));

        Assert.True(JsonNode.DeepEquals(trust, JsonNode.Parse(AgentRolePolicies.Trust())));
    }

    [GeneratedRegex(@"```json\n(?<json>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlocks();
}
