using Spawn.Core.State;

namespace Spawn.Cli.Rendering;

/// <summary>
/// The instance a launched queue runs on, above the status table: EC2's view when it could be asked (state, public
/// IP; no SSH), else what the agent wrote into the state it mirrors.
/// </summary>
internal static class InstanceLines
{
    public static string Render(InstanceTargetResult? found, QueueState? state) => (found, state?.Instance) switch
    {
        ({ Instance: { } i }, _) => $"Instance:    {i.InstanceId} ({i.InstanceType ?? "?"}, {i.Region})\nEC2 state:   {i.State}{(i.PublicIp is { } ip ? $", public IP {ip}" : "")}\n",
        (_, { } named) => $"Instance:    {named.InstanceId} ({named.InstanceType ?? "?"}, {named.Region ?? "?"}){(found?.Problem is { } problem ? $"\nEC2 state:   unknown ({problem})" : "")}\n",
        ({ Problem: { } problem }, null) => $"Instance:    {problem}\n",
        _ => "",
    };
}
