namespace Spawn.Execution;

/// <summary>
/// The small bash program every attempt runs in, as the leader of its own session: <c>setsid /bin/bash -c WRAPPER
/// spored-job OUT ERR EXIT COMMAND [BASH_ENV]</c>. It points stdout/stderr at the log files (appending: earlier
/// attempts are kept) so no pipe runs through the agent, records its own identity in <c>EXIT.pid</c>, runs the
/// command as plain <c>/bin/bash -c COMMAND</c>, and records the exit status in <c>EXIT</c>.
/// </summary>
/// <remarks>
/// It catches TERM/INT/HUP with a trap that does nothing: a caught signal is reset to the default in children, so the
/// command is stopped as usual, while the wrapper lives on to record the status. Only SIGKILL prevents that record.
/// <para>
/// The user's command must not notice the wrapper: its variables are not exported, SHLVL is given back the level a
/// direct <c>bash -c</c> would see, and BASH_ENV reaches the command only (the executor hands it over as an argument,
/// so the wrapper itself does not source it).
/// </para>
/// <para>
/// Both files are written with a single small write and no temp-file rename: every reader looks only after the
/// wrapper is gone (the agent after its child exited, an adopting agent after /proc shows the process ended), so it
/// sees the whole content or none, and two fewer <c>mv</c> processes make an attempt about a third cheaper.
/// </para>
/// </remarks>
internal static class JobWrapper
{
    public const string Name = "spored-job";

    public const string Script = """
        exec </dev/null >>"$1" 2>>"$2"
        read -r stat </proc/$$/stat
        fields=(${stat##*) })
        printf '%s %s\n' "$$" "${fields[19]}" >"$3.pid"
        trap 'true' TERM INT HUP
        SHLVL=$((SHLVL - 1))
        if (($# > 4)); then export BASH_ENV="$5"; fi
        /bin/bash -c "$4"
        rc=$?
        printf '%s\n' "$rc" >"$3"
        exit "$rc"
        """;
}
