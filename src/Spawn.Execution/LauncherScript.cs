namespace Spawn.Execution;

/// <summary>
/// The bash program that starts every attempt: <c>setsid /bin/bash -c SCRIPT spored-launcher</c>, one per agent,
/// living in a session of its own. It reads requests on stdin (NUL-terminated fields: stdout log, stderr log, record
/// file, attempt name, working directory, command, the number of variables, then NAME=VALUE for each) and for each
/// one forks a subshell that points stdin at /dev/null and stdout/stderr at the logs (appending: earlier attempts are
/// kept, and no pipe runs through the agent), changes directory, exports the variables and execs
/// <c>/bin/bash -c COMMAND</c>. The subshell first answers <c>s PID STARTTIME</c> itself (its own <c>/proc</c> entry
/// is cheap to read; the launcher reading a child's while it forks was not), the launcher <c>x PID EXITCODE</c> when
/// the attempt ends, and each appends the same fact to the record file (<see cref="AttemptRecords"/>), which outlives
/// the agent: an agent that died and came back adopts the attempt by them, and the launcher, which the agent's death
/// does not stop, still records the exit.
/// </summary>
/// <remarks>
/// Why a long-lived launcher rather than a wrapper per attempt: a fork of an already-running bash costs a fraction of
/// starting one, so an attempt costs one bash start (the command's own), as under make or a shell loop.
/// <para>
/// <c>set -m</c> puts every attempt in a process group of its own (bash calls setpgid in parent and child, so the group
/// exists before the pid is reported), which is what a timeout signals. The session is the launcher's, which has no
/// terminal, so no terminal signal reaches a job. Traps are caught (not ignored) so that the children get the default
/// dispositions back (the subshell catches SIGPIPE again for its reply, so an agent gone by then cannot kill it
/// before its exec); a trapped signal interrupts <c>wait</c>, hence the loop. The subshell only calls a function, so
/// the job-control notice the launcher prints (to /dev/null) as it ends is short. The user's command must not notice
/// the launcher: its variables have names no one uses and are never exported, SHLVL is given back the level a direct
/// <c>bash -c</c> would see, OLDPWD survives the cd, and BASH_ENV reaches the command only (the executor hands it over
/// with the variables, and starts the launcher without it).
/// </para>
/// </remarks>
internal static class LauncherScript
{
    public const string Name = "spored-launcher";

    public const string Script = """
        set -m
        exec 2>/dev/null
        trap 'true' TERM INT HUP PIPE
        SHLVL=$((SHLVL - 1))
        __spored_attempt() {
            trap 'true' PIPE
            read -r __spored_stat </proc/$BASHPID/stat
            __spored_fields=(${__spored_stat##*) })
            printf 's %s %s %s\n' "$__spored_name" "$BASHPID" "${__spored_fields[19]}" >>"$__spored_records"
            printf 's %s %s\n' "$BASHPID" "${__spored_fields[19]}"
            exec </dev/null >>"$__spored_out" 2>>"$__spored_err" || exit 127
            if [[ -v OLDPWD ]]; then
                __spored_oldpwd=$OLDPWD
                cd -- "$__spored_dir" || exit 127
                OLDPWD=$__spored_oldpwd
            else
                cd -- "$__spored_dir" || exit 127
                unset OLDPWD
            fi
            ((${#__spored_vars[@]} == 0)) || export -- "${__spored_vars[@]}" || exit 127
            exec /bin/bash -c "$__spored_command"
        }
        while IFS= read -r -d '' __spored_out && IFS= read -r -d '' __spored_err && IFS= read -r -d '' __spored_records \
            && IFS= read -r -d '' __spored_name && IFS= read -r -d '' __spored_dir && IFS= read -r -d '' __spored_command && IFS= read -r -d '' __spored_count; do
            __spored_vars=()
            for ((__spored_i = 0; __spored_i < __spored_count; __spored_i++)); do
                IFS= read -r -d '' __spored_var || exit 1
                __spored_vars+=("$__spored_var")
            done
            ( __spored_attempt ) &
            __spored_pid=$!
            while wait "$__spored_pid"; __spored_rc=$?; ((__spored_rc > 128)) && kill -0 "$__spored_pid"; do :; done
            printf 'x %s %s %s\n' "$__spored_name" "$__spored_pid" "$__spored_rc" >>"$__spored_records"
            printf 'x %s %s\n' "$__spored_pid" "$__spored_rc"
        done
        """;
}
