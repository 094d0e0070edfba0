using System.Diagnostics;
using Spawn.Core.Scheduling;

namespace Spawn.Execution;

/// <summary>
/// Where <see cref="MachineSlots"/> looks: each source can be replaced, so a test fakes a GPU machine with a directory
/// and a canned <c>nvidia-smi -L</c> answer.
/// </summary>
/// <param name="ProcessorCount">CPUs this process may use. <see cref="Environment.ProcessorCount"/> already honours the
/// CPU affinity mask and a cgroup CPU quota (a container limited to 2 CPUs counts 2), which is what jobs get too.</param>
/// <param name="NvidiaProcDirectory">The NVIDIA driver's <c>/proc/driver/nvidia/gpus</c>: one entry per GPU.</param>
/// <param name="NvidiaSmiList">The output of <c>nvidia-smi -L</c>, or null when it cannot be had.</param>
/// <param name="CudaVisibleDevices">The agent's own <c>CUDA_VISIBLE_DEVICES</c>, when something limited it to some GPUs.</param>
public sealed record MachineProbe(int ProcessorCount, string NvidiaProcDirectory, Func<string?> NvidiaSmiList, string? CudaVisibleDevices)
{
    private static readonly TimeSpan NvidiaSmiPatience = TimeSpan.FromSeconds(10);

    public static MachineProbe ThisMachine() =>
        new(Environment.ProcessorCount, "/proc/driver/nvidia/gpus", RunNvidiaSmi, Environment.GetEnvironmentVariable(GpuEnvironment.Cuda));

    /// <summary><c>nvidia-smi -L</c> from PATH; null when it is not there, fails, or hangs (a wedged driver does that).</summary>
    private static string? RunNvidiaSmi()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("nvidia-smi", "-L")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(NvidiaSmiPatience))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            return process.ExitCode == 0 ? output.GetAwaiter().GetResult() : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null; // not installed: a machine without the NVIDIA driver
        }
    }
}
