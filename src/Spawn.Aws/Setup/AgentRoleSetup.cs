using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spawn.Aws.Setup;

/// <summary>
/// Makes the agent's role, its policy on the bucket and its instance profile exist, through the AWS CLI. Each part
/// is looked at first and only made when missing (the policy rewritten only when it differs), so a second run
/// changes nothing.
/// </summary>
public sealed class AgentRoleSetup(AwsCli cli, AgentRoleCommands commands)
{
    public async Task<IReadOnlyList<SetupOutcome>> EnsureAsync(CancellationToken cancellationToken)
    {
        // In dependency order: the policy and the profile name the role, so the role comes first.
        return
        [
            await EnsureRoleAsync(cancellationToken).ConfigureAwait(false),
            await EnsurePolicyAsync(cancellationToken).ConfigureAwait(false),
            .. await EnsureProfileAsync(cancellationToken).ConfigureAwait(false),
        ];
    }

    private async Task<SetupOutcome> EnsureRoleAsync(CancellationToken cancellationToken)
    {
        var part = $"role {commands.RoleName}";
        var found = await ReadAsync(commands.GetRole, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            await ChangeAsync(commands.CreateRole, cancellationToken).ConfigureAwait(false);
            return new SetupOutcome(part, SetupChange.Created, "(EC2 may assume it)");
        }

        // A role of that name made for something else: instances could not use it, and changing who may assume
        // someone else's role is not setup's business.
        var trust = found["Role"]?["AssumeRolePolicyDocument"]?.ToJsonString() ?? "";
        if (!trust.Contains("ec2.amazonaws.com", StringComparison.Ordinal))
        {
            throw new SetupException($"{part} exists but EC2 may not assume it (its trust policy does not name ec2.amazonaws.com): choose another name with --role-name");
        }

        return new SetupOutcome(part, SetupChange.AlreadyThere);
    }

    private async Task<SetupOutcome> EnsurePolicyAsync(CancellationToken cancellationToken)
    {
        var part = $"policy {commands.PolicyName} of role {commands.RoleName}";
        var found = await ReadAsync(commands.GetRolePolicy, cancellationToken).ConfigureAwait(false);
        if (found?["PolicyDocument"] is { } current && JsonNode.DeepEquals(Document(current), JsonNode.Parse(commands.PermissionsDocument)))
        {
            return new SetupOutcome(part, SetupChange.AlreadyThere);
        }

        await ChangeAsync(commands.PutRolePolicy, cancellationToken).ConfigureAwait(false);
        return new SetupOutcome(part, found is null ? SetupChange.Created : SetupChange.Updated, found is null ? "(access to the bucket)" : "(it differed from this version's)");
    }

    private async Task<IReadOnlyList<SetupOutcome>> EnsureProfileAsync(CancellationToken cancellationToken)
    {
        var part = $"instance profile {commands.ProfileName}";
        var found = await ReadAsync(commands.GetInstanceProfile, cancellationToken).ConfigureAwait(false);
        var profile = new SetupOutcome(part, SetupChange.AlreadyThere);
        if (found is null)
        {
            await ChangeAsync(commands.CreateInstanceProfile, cancellationToken).ConfigureAwait(false);
            profile = profile with { Change = SetupChange.Created };
        }

        var roles = (found?["InstanceProfile"]?["Roles"]?.AsArray() ?? []).Select(r => r?["RoleName"]?.GetValue<string>()).ToList();
        var membership = new SetupOutcome($"role {commands.RoleName} in {part}", SetupChange.AlreadyThere);
        if (roles.Contains(commands.RoleName))
        {
            return [profile, membership];
        }

        // An instance profile holds one role at most; replacing another one would break whatever uses it.
        if (roles.Count > 0)
        {
            throw new SetupException($"{part} holds role {string.Join(", ", roles)}, and a profile holds only one: choose another name with --role-name");
        }

        await ChangeAsync(commands.AddRoleToInstanceProfile, cancellationToken).ConfigureAwait(false);
        return [profile, membership with { Change = SetupChange.Added }];
    }

    /// <summary>The answer of a <c>get-*</c> command, or null when IAM says there is no such thing.</summary>
    private async Task<JsonNode?> ReadAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var result = await cli.RunAsync(command, cancellationToken).ConfigureAwait(false);
        if (result.ErrorCode == "NoSuchEntity")
        {
            return null;
        }

        Check(command, result);
        try
        {
            return JsonNode.Parse(result.Stdout) ?? throw new SetupException($"aws {command[0]} {command[1]} printed nothing");
        }
        catch (JsonException e)
        {
            throw new SetupException($"aws {command[0]} {command[1]} did not print JSON: {e.Message}", e);
        }
    }

    private async Task ChangeAsync(IReadOnlyList<string> command, CancellationToken cancellationToken) =>
        Check(command, await cli.RunAsync(command, cancellationToken).ConfigureAwait(false));

    private static void Check(IReadOnlyList<string> command, AwsCliResult result)
    {
        if (!result.Succeeded)
        {
            throw new SetupException($"aws {command[0]} {command[1]} failed: {result.Reason}");
        }
    }

    /// <summary>The CLI prints a policy document decoded into JSON; some versions leave it a (URL-encoded) string.</summary>
    private static JsonNode? Document(JsonNode value) =>
        value.GetValueKind() == JsonValueKind.String ? JsonNode.Parse(Uri.UnescapeDataString(value.GetValue<string>())) : value;
}
