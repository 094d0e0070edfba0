using System.Text;

namespace Spawn.Aws.Setup;

/// <summary>
/// <c>spawn setup --print</c>, and the IAM half when there is no <c>aws</c> to run: the exact commands, with the
/// policy documents inline, as a script to paste. On a second paste the create commands fail harmlessly with
/// EntityAlreadyExists / BucketAlreadyOwnedByYou and put-role-policy rewrites the same document.
/// </summary>
public static class SetupScript
{
    public static string Render(string? bucketToCreate, string region, AgentRoleCommands role)
    {
        var text = new StringBuilder();
        if (bucketToCreate is not null)
        {
            text.AppendLine($"# The bucket for queues' agents, state, logs and results, in {region}.");
            text.AppendLine(Command(BucketSetup.CliCommand(bucketToCreate, region)));
            text.AppendLine();
        }

        text.AppendLine($"# The role instances run as: EC2 may assume it, and nobody else.");
        text.AppendLine(Command(role.CreateRole));
        text.AppendLine();
        text.AppendLine($"# What the agent on the instance may do: its queue's objects in s3://{role.Bucket}, its spot request (see docs/iam.md).");
        text.AppendLine(Command(role.PutRolePolicy));
        text.AppendLine();
        text.AppendLine($"# The instance profile that spawn launch --iam-role {role.ProfileName} names, holding the role.");
        text.AppendLine(Command(role.CreateInstanceProfile));
        text.AppendLine(Command(role.AddRoleToInstanceProfile));
        return text.ToString();
    }

    private static string Command(IEnumerable<string> arguments) => "aws " + ShellWords.Join(arguments);
}
