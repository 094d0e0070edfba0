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

        var slots = options.ForResume ? new Spawn.Hosting.SlotFlags(null, result.GetValue(options.Slots.Cpus), result.GetValue(options.Slots.Gpus)) : options.Slots.Read(result);
        foreach (var slotProblem in slots.Problems())
        {
            Problem(slotProblem);
        }

        if (result.GetValue(options.DiskSize) is { } size and (< 1 or > 65536))
        {
            Problem($"--disk-size {size}: a gp3 volume is 1 to 65536 GiB");
        }

        // --spot-fallback and --max-price shape a spot request; for resume, --spot may come from the queue's last instance.
        var spotAsked = result.GetValue(options.Spot) || (options.ForResume && !result.GetValue(options.OnDemand));
        var maxPrice = result.GetValue(options.MaxPrice);
        if (maxPrice is not null && !spotAsked)
        {
            Problem("--max-price is for spot instances: add --spot");
        }
        else if (maxPrice is not null && !(decimal.TryParse(maxPrice, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var price) && price > 0.001m))
        {
            Problem($"--max-price \"{maxPrice}\": expected USD per hour above 0.001, e.g. 0.05");
        }

        var fallback = result.GetValue(options.SpotFallback);
        if (fallback is not null && fallback != "on-demand")
        {
            Problem($"--spot-fallback \"{fallback}\": the one fallback is on-demand");
        }
        else if (fallback is not null && !spotAsked)
        {
            Problem("--spot-fallback is for spot instances: add --spot");
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
                Path.GetFullPath(agentDirectory!),
                MaxPrice: maxPrice,
                SpotFallbackOnDemand: fallback is not null)
            {
                Cpus = slots.Cpus,
                Gpus = slots.Gpus,
            }
            : null;
    }
}
