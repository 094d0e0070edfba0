using System.CommandLine;
using Spawn.Aws.Launch;

namespace Spawn.Cli.Launch;

/// <summary>Turns the flags into a <see cref="LaunchRequest"/>, or prints what is wrong with them.</summary>
internal static class LaunchFlags
{
    public static LaunchRequest? Read(LaunchOptions options, ParseResult result, TextWriter stderr)
    {
        var ok = true;
        void Problem(string message)
        {
            stderr.WriteLine($"error: {message}");
            ok = false;
        }

        var tags = new List<KeyValuePair<string, string>>();
        foreach (var tag in result.GetValue(options.Tags) ?? [])
        {
            var equals = tag.IndexOf('=', StringComparison.Ordinal);
            var key = equals > 0 ? tag[..equals] : "";
            if (key.Length == 0)
            {
                Problem($"--tag \"{tag}\": expected KEY=VALUE");
            }
            else if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase) || key.StartsWith("spawn:", StringComparison.Ordinal) || key == InstanceTags.Name)
            {
                Problem($"--tag \"{tag}\": {key} is set by AWS or by spawn itself (use --name for the Name tag)");
            }
            else
            {
                tags.Add(new(key, tag[(equals + 1)..]));
            }
        }

        var slots = options.Slots.Read(result);
        foreach (var slotProblem in slots.Problems())
        {
            Problem(slotProblem);
        }

        if (result.GetValue(options.DiskSize) is { } size and (< 1 or > 65536))
        {
            Problem($"--disk-size {size}: a gp3 volume is 1 to 65536 GiB");
        }

        var region = AwsClients.ResolveRegion(result.GetValue(options.Region));
        if (Spawn.Aws.RegionNames.Problem(region) is { } regionProblem)
        {
            Problem(regionProblem);
        }

        var agentDirectory = result.GetValue(options.AgentDir) ?? AgentBuilds.DefaultDirectory();
        if (agentDirectory is null)
        {
            Problem("no agent builds found beside this spawn: pass --agent-dir DIR, a folder with linux-x64/spored and/or linux-arm64/spored (scripts/publish-aot.sh makes them in artifacts/)");
        }
        else if (!Directory.Exists(agentDirectory))
        {
            Problem($"--agent-dir {agentDirectory}: no such directory");
        }

        return ok
            ? new LaunchRequest(
                result.GetValue(options.InstanceType)!,
                region,
                result.GetValue(options.Spot),
                result.GetValue(options.Ami),
                result.GetValue(options.DiskSize),
                result.GetValue(options.SecurityGroups) ?? [],
                result.GetValue(options.Subnet),
                result.GetValue(options.IamRole),
                result.GetValue(options.KeyName),
                result.GetValue(options.Name),
                tags,
                result.GetValue(options.KeepInstance),
                Path.GetFullPath(agentDirectory!))
            {
                Cpus = slots.Cpus,
                Gpus = slots.Gpus,
            }
            : null;
    }
}
