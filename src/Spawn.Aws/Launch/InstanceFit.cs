using System.Globalization;
using Spawn.Core.Scheduling;
using Spawn.Core.Validation;

namespace Spawn.Aws.Launch;

/// <summary>
/// The instance type as the machine a queue is checked against (<see cref="MachineFit"/>) before anything is launched,
/// and what the agent on it is told of it.
/// </summary>
public static class InstanceFit
{
    /// <summary>Its vCPUs and GPUs as DescribeInstanceTypes gives them, unless <c>--cpus</c> / <c>--gpus</c> say otherwise.</summary>
    public static FitTarget Target(LaunchRequest launch, InstanceTypeInfo type) =>
        new(
            $"instance type {type.InstanceType}",
            MachineCapacity.Of(launch.Cpus ?? type.VCpus, launch.Gpus ?? type.Gpus),
            CpuAdvice: "choose an instance type with more vCPUs",
            GpuAdvice: type.Gpus == 0 ? "choose a GPU instance type, e.g. g5.xlarge (1 GPU) or g5.12xlarge (4)" : "choose an instance type with more GPUs");

    /// <summary>
    /// <c>--gpus N</c> for an instance with GPUs: the agent takes the instance type's word rather than looking for a
    /// driver that may load late, or be installed by the queue's first job. <c>--cpus N</c> only when given.
    /// </summary>
    public static IReadOnlyList<string> AgentFlags(LaunchRequest launch, InstanceTypeInfo type)
    {
        var flags = new List<string>();
        if (launch.Cpus is { } cpus)
        {
            flags.AddRange(["--cpus", cpus.ToString(CultureInfo.InvariantCulture)]);
        }

        var gpus = launch.Gpus ?? type.Gpus;
        if (gpus > 0 || launch.Gpus is not null)
        {
            flags.AddRange(["--gpus", gpus.ToString(CultureInfo.InvariantCulture)]);
        }

        return flags;
    }
}
