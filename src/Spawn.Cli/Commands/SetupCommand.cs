using System.CommandLine;
using Spawn.Aws;
using Spawn.Aws.Launch;
using Spawn.Aws.Setup;

namespace Spawn.Cli.Commands;

/// <summary>
/// <c>spawn setup [--region R] [--bucket B] [--role-name spawn-queue] [--print]</c>: what a first
/// <c>spawn launch</c> needs — the results bucket, and the role (with its policy on that bucket) and instance
/// profile its instances run as. Looks before it makes anything, so running it again changes nothing. The IAM part
/// goes through the AWS CLI; without one, or with <c>--print</c>, the exact commands are printed instead.
/// </summary>
internal static class SetupCommand
{
    public static Command Create()
    {
        var region = new Option<string?>("--region") { Description = "Region of the bucket (default: AWS_REGION, the profile's, else us-east-1)" };
        var bucket = new Option<string?>("--bucket") { Description = "Results bucket (default: spawn-results-{region})" };
        var roleName = new Option<string>("--role-name") { Description = "Name of the role and of its instance profile", DefaultValueFactory = _ => "spawn-queue" };
        var print = new Option<bool>("--print") { Description = "Print the aws commands (with the policy documents) instead of running anything" };
        var command = new Command("setup", "Create the results bucket and the instances' IAM role, once per account and region") { region, bucket, roleName, print };
        command.SetAction(async (result, cancellationToken) =>
        {
            var where = AwsClients.ResolveRegion(result.GetValue(region));
            var name = result.GetValue(bucket) ?? SetupNames.DefaultBucket(where);
            var role = result.GetValue(roleName)!;
            if ((RegionNames.Problem(where) ?? SetupNames.BucketProblem(name) ?? SetupNames.RoleProblem(role)) is { } problem)
            {
                await Console.Error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
                return 2;
            }

            var commands = new AgentRoleCommands(role, name, where);
            if (result.GetValue(print))
            {
                await Console.Out.WriteAsync(SetupScript.Render(name, where, commands)).ConfigureAwait(false);
                return 0;
            }

            return await RunAsync(name, where, commands, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(string bucket, string region, AgentRoleCommands commands, CancellationToken cancellationToken)
    {
        var cli = AwsCli.Find();
        // Without a CLI, stdout is the script to paste (or pipe to a shell), so the progress lines go to stderr.
        var notes = cli is null ? Console.Error : Console.Out;
        var outcomes = new List<SetupOutcome>();
        try
        {
            using (var s3 = S3ClientFactory.Create(region))
            {
                outcomes.Add(await new BucketSetup(s3).EnsureAsync(bucket, region, cancellationToken).ConfigureAwait(false));
                await notes.WriteLineAsync(outcomes[^1].ToString()).ConfigureAwait(false);
            }

            if (cli is null)
            {
                await Console.Error.WriteLineAsync(
                    "the AWS CLI (aws) is not on PATH, so nothing was created in IAM: run the commands below, or install it and run spawn setup again").ConfigureAwait(false);
                await Console.Out.WriteAsync(SetupScript.Render(bucketToCreate: null, region, commands)).ConfigureAwait(false);
                return 0;
            }

            foreach (var outcome in await new AgentRoleSetup(cli, commands).EnsureAsync(cancellationToken).ConfigureAwait(false))
            {
                outcomes.Add(outcome);
                await notes.WriteLineAsync(outcome.ToString()).ConfigureAwait(false);
            }
        }
        catch (SetupException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (Exception e) when (AwsErrorText.IsAwsFailure(e) || e is ArgumentException)
        {
            // The SDK's configuration errors (an unusable endpoint or profile) surface as ArgumentException.
            await Console.Error.WriteLineAsync($"error: bucket {bucket}: {AwsErrorText.Describe(e)}").ConfigureAwait(false);
            return 1;
        }

        await notes.WriteLineAsync(outcomes.All(o => o.Change == SetupChange.AlreadyThere)
            ? "everything was already there; nothing changed"
            : $"ready: spawn launch --batch-queue FILE --instance-type TYPE --iam-role {commands.ProfileName} (results in s3://{bucket}/)").ConfigureAwait(false);
        return 0;
    }
}
