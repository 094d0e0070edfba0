namespace Spawn.Core.Running;

/// <summary>
/// Where a run keeps its files. Logs are <c>{LogDirectory}/{job_id}-stdout.log</c> and <c>-stderr.log</c>;
/// each attempt's exit status is <c>{AttemptsDirectory}/{job_id}.{attempt}.exit</c>; jobs start in
/// <see cref="WorkingDirectory"/>.
/// </summary>
public sealed record RunnerSettings(string LogDirectory, string AttemptsDirectory, string WorkingDirectory)
{
    public string StdoutLog(string jobId) => Path.Combine(LogDirectory, $"{jobId}-stdout.log");

    public string StderrLog(string jobId) => Path.Combine(LogDirectory, $"{jobId}-stderr.log");

    public string ExitStatusFile(string jobId, int attempt) => Path.Combine(AttemptsDirectory, $"{jobId}.{attempt}.exit");
}
