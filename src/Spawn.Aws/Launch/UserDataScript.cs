
using Spawn.Aws.Setup;

namespace Spawn.Aws.Launch;

/// <summary>
/// The instance's user data: <c>bootstrap.sh</c> (beside this file) with the queue's values filled in, and the
/// agent's unit (<c>deploy/spored.service</c>) inside it with the ExecStart that runs this queue.
/// </summary>
public static class UserDataScript
{
    public const string AgentPath = "/usr/local/bin/spored";
    public const string QueuePath = "/var/lib/spored/queue.json";

    /// <summary>EC2 refuses user data over 16 KiB (before base64).</summary>
    public const int MaxBytes = 16 * 1024;

    public static string Render(BootstrapSettings settings)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["@QUEUE_ID@"] = settings.QueueId,
            ["@REGION@"] = ShellWords.Quote(settings.Region),
            ["@BUCKET@"] = ShellWords.Quote(settings.Bucket),
            ["@AGENT_KEY@"] = ShellWords.Quote(settings.Agent.AgentKey),
            ["@AGENT_SHA256@"] = settings.Agent.AgentSha256,
            ["@QUEUE_KEY@"] = ShellWords.Quote(settings.Agent.QueueKey),
            ["@QUEUE_SHA256@"] = settings.Agent.QueueSha256,
            ["@DEADLINE_MINUTES@"] = settings.DeadlineMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["@UNIT@"] = Unit(settings.PowerOffWhenDone, settings.ResumeFromS3Since, settings.ResumedAt, settings.AgentFlags).TrimEnd('\n'),
        };
        var script = Resource("bootstrap.sh");
        foreach (var (placeholder, value) in values)
        {
            script = script.Replace(placeholder, value, StringComparison.Ordinal);
        }

        return script;
    }

    /// <summary>The agent's unit as <c>deploy/spored.service</c> has it, running the downloaded queue.</summary>
    /// <param name="agentFlags">Plain words (<c>--gpus</c>, <c>4</c>): systemd splits ExecStart at spaces.</param>
    public static string Unit(bool powerOffWhenDone, DateTimeOffset? resumeFromS3Since = null, DateTimeOffset? resumedAt = null, IReadOnlyList<string>? agentFlags = null)
    {
        var flags = agentFlags is { Count: > 0 } ? " " + string.Join(' ', agentFlags) : "";
        var execStart = $"ExecStart={AgentPath} run-queue {QueuePath}{flags}" + (powerOffWhenDone ? " --power-off" : "")
            + (resumeFromS3Since is { } since ? $" --resume-from-s3 {Spawn.Core.State.QueueStateJson.FormatTime(since)}" : "")
            + (resumedAt is { } at ? $" --resumed-at {Spawn.Core.State.QueueStateJson.FormatTime(at)}" : "");
        var lines = Resource("spored.service").Split('\n')
            .Select(line => line.StartsWith("ExecStart=", StringComparison.Ordinal) ? execStart : line);
        return string.Join('\n', lines);
    }

    private static string Resource(string name)
    {
        using var stream = typeof(UserDataScript).Assembly.GetManifestResourceStream($"Spawn.Aws.Launch.{name}")
            ?? throw new InvalidOperationException($"resource {name} is missing from {typeof(UserDataScript).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
