using Spawn.Aws.Launch;

namespace Spawn.Cli.Rendering;

/// <summary>The instance a launched queue runs on, above the status table: EC2's state and public IP, no SSH.</summary>
internal static class InstanceLines
{
    public static string Render(InstanceTargetResult? found) => found switch
    {
        null => "",
        { Instance: { } i } => $"Instance:    {i.InstanceId} ({i.InstanceType ?? "?"}, {i.Region})\nEC2 state:   {i.State}{(i.PublicIp is { } ip ? $", public IP {ip}" : "")}\n",
        { Problem: { } problem } => $"Instance:    {problem}\n",
        _ => "",
    };
}
