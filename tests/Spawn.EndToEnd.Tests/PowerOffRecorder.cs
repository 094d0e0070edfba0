using System.Globalization;
using Spawn.Core.State;

namespace Spawn.EndToEnd.Tests;

/// <summary>
/// A <c>systemctl</c> first on the agent's PATH that records each call (a timestamp and its arguments) instead of
/// powering anything off. Given the S3 URL of the queue's state, it also fetches that object with the AWS CLI at the
/// moment it is called, an independent client: what S3 held when the power-off was asked for.
/// </summary>
internal sealed class PowerOffRecorder
{
    private const string Script = """
        #!/bin/bash
        # Stands in for systemctl: records what S3 holds at this moment, then the call; exits with $RECORDER_EXIT.
        n=$(( $(cat "$RECORDER_LOG" 2>/dev/null | wc -l) + 1 ))
        if [ -n "$RECORDER_STATE_URL" ]; then
          aws --endpoint-url "$AWS_ENDPOINT_URL" s3 cp "$RECORDER_STATE_URL" "$RECORDER_LOG.state-$n" > "$RECORDER_LOG.aws-$n" 2>&1
        fi
        echo "$(date +%s.%N) $*" >> "$RECORDER_LOG"
        exit "${RECORDER_EXIT:-0}"
        """;

    private readonly string log;

    /// <param name="stateUrl">The queue's <c>s3://bucket/prefix/queue-state.json</c>, to fetch at each call; null for none.</param>
    /// <param name="exitCode">What the stand-in exits with (non-zero: a power-off that failed).</param>
    public PowerOffRecorder(Workspace workspace, string? stateUrl = null, int exitCode = 0)
    {
        var bin = workspace.Path_("recorder-bin");
        Directory.CreateDirectory(bin);
        var systemctl = Path.Combine(bin, "systemctl");
        File.WriteAllText(systemctl, Script.Replace("\r", "", StringComparison.Ordinal) + "\n");
        if (Posix.chmod(systemctl, 0b111_000_000) != 0)
        {
            throw new IOException($"chmod {systemctl} failed");
        }
        log = workspace.Path_("systemctl.log");
        workspace.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        workspace.Environment["RECORDER_LOG"] = log;
        workspace.Environment["RECORDER_EXIT"] = exitCode.ToString(CultureInfo.InvariantCulture);
        if (stateUrl is not null)
        {
            workspace.Environment["RECORDER_STATE_URL"] = stateUrl;
        }
    }

    /// <summary>The arguments of every call so far, in order.</summary>
    public IReadOnlyList<string> Calls => File.Exists(log) ? [.. File.ReadAllLines(log).Select(line => line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..])] : [];

    /// <summary>The state S3 held when call <paramref name="call"/> (1-based) was made.</summary>
    public QueueState StateAtCall(int call)
    {
        var fetched = $"{log}.state-{call}";
        return File.Exists(fetched)
            ? QueueStateJson.Deserialize(File.ReadAllBytes(fetched))
            : throw new FileNotFoundException($"the recorder fetched no state at call {call}: {ReadOrNothing($"{log}.aws-{call}")}", fetched);
    }

    private static string ReadOrNothing(string path) => File.Exists(path) ? File.ReadAllText(path) : "(no output)";
}
