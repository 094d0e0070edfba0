using System.Globalization;
using Spawn.Core.Model;
using Spawn.Core.Parsing;
using Spawn.Core.Scheduling;

namespace Spawn.Core.Validation;

/// <summary>
/// What a queue is checked against, as the user names it: <c>this machine</c>, or <c>instance type g5.xlarge</c>, and
/// what to do when a job asks for more CPUs or GPUs than it has.
/// </summary>
public sealed record FitTarget(string Name, MachineCapacity Capacity, string CpuAdvice, string GpuAdvice);

/// <summary>
/// A job that asks for more CPUs or GPUs than the machine has could never start: the queue would wait forever after
/// the jobs before it had run, perhaps for hours. So each such job is an error, at its <c>cpus</c> / <c>gpus</c>,
/// before anything runs — on the machine itself, and in <c>spawn launch</c> before an instance is paid for.
/// </summary>
public static class MachineFit
{
    /// <param name="positions">Where the fields were written (<see cref="QueueParseResult.Positions"/>); an error whose
    /// field has no known position is put at 1:1.</param>
    public static IReadOnlyList<QueueError> Check(QueueDefinition queue, FieldPositions positions, FitTarget target)
    {
        var errors = new List<QueueError>();
        for (var i = 0; i < queue.Jobs.Count; i++)
        {
            var job = queue.Jobs[i];
            if (job.Cpus is { } cpus && cpus > target.Capacity.Cpus)
            {
                errors.Add(Error(i, job, "cpus", positions, $"asks for {Count(cpus, "CPU")}, {target.Name} has {Count(target.Capacity.Cpus, "CPU")}", target.CpuAdvice));
            }

            if (job.Gpus is { } gpus && gpus > target.Capacity.GpuCount)
            {
                errors.Add(Error(i, job, "gpus", positions, $"asks for {Count(gpus, "GPU")}, {target.Name} has {Count(target.Capacity.GpuCount, "GPU")}", target.GpuAdvice));
            }
        }

        return [.. errors.OrderBy(e => e.Line).ThenBy(e => e.Column)];
    }

    private static QueueError Error(int index, JobDefinition job, string field, FieldPositions positions, string problem, string advice)
    {
        var (line, column) = positions.Of(index, field) ?? (1, 1);
        var path = string.Create(CultureInfo.InvariantCulture, $"jobs[{index}].{field}");
        var message = string.Create(CultureInfo.InvariantCulture, $"jobs[{index}] (\"{job.JobId}\").{field}: the job {problem}");
        return new QueueError(line, column, path, advice.Length == 0 ? message : $"{message} ({advice})");
    }

    private static string Count(int n, string unit) => n switch
    {
        0 => $"no {unit}",
        1 => $"1 {unit}",
        _ => string.Create(CultureInfo.InvariantCulture, $"{n} {unit}s"),
    };
}
