namespace Spawn.Execution;

/// <summary>
/// The small bash program every attempt runs in, as the leader of its own session: <c>setsid /bin/bash -c WRAPPER
/// spored-job OUT ERR EXIT COMMAND</c>. It points stdout/stderr at the log files (appending: earlier attempts are
/// kept) so no pipe runs through the agent, records its own identity, runs the command as plain
/// <c>/bin/bash -c COMMAND</c>, and records the exit status. It catches TERM/INT/HUP (children still get the
/// default action) so that a stopped job's status is recorded too; only SIGKILL prevents that.
/// </summary>
internal static class JobWrapper
{
    public const string Name = "spored-job";

    public const string Script = """
        exec </dev/null >>"$1" 2>>"$2"
        read -r stat </proc/$$/stat
        fields=(${stat##*) })
        printf '%s %s\n' "$$" "${fields[19]}" >"$3.pid.tmp" && mv -f "$3.pid.tmp" "$3.pid"
        trap 'true' TERM INT HUP
        /bin/bash -c "$4"
        rc=$?
        printf '%s\n' "$rc" >"$3.tmp" && mv -f "$3.tmp" "$3"
        exit "$rc"
        """;
}
