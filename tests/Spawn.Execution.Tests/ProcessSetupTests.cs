namespace Spawn.Execution.Tests;

public sealed class ProcessSetupTests
{
    private readonly BashJobExecutor executor = new(TimeProvider.System, TestLauncher.Command);

    [Fact]
    public async Task Each_attempt_leads_its_own_process_group_outside_the_agents_session()
    {
        using var sandbox = new AttemptSandbox();
        await using var job = await executor.StartAsync(sandbox.Launch("sleep 30"), CancellationToken.None);

        // Fields after the command name: state, ppid, pgrp, session. The group exists as soon as the pid is known.
        var stat = Observe.Stat(job.Pid)!;
        Assert.Equal(job.Pid.ToString(), stat[2]);
        Assert.NotEqual(Observe.Stat(Environment.ProcessId)![3], stat[3]);
        Assert.Equal("0", stat[4]); // no controlling terminal: no terminal signal can reach it
        Assert.Equal(stat[19], job.StartTime.ToString());

        await job.TerminateAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
    }

    [Fact]
    public async Task The_job_sees_the_agent_environment_with_the_launch_entries_on_top()
    {
        using var sandbox = new AttemptSandbox();
        Environment.SetEnvironmentVariable("SPAWN_EXEC_TEST_AGENT", "from-agent");
        var environment = new Dictionary<string, string> { ["JOB_ID"] = "train", ["JOB_ATTEMPT"] = "2", ["QUEUE_ID"] = "q7", ["HOME"] = "/override" };

        await using var job = await executor.StartAsync(sandbox.Launch("echo \"$JOB_ID $JOB_ATTEMPT $QUEUE_ID $HOME $SPAWN_EXEC_TEST_AGENT\"", environment), CancellationToken.None);
        await job.WaitForExitAsync(CancellationToken.None);

        Assert.Equal("train 2 q7 /override from-agent\n", sandbox.ReadStdout());
    }

    [Fact]
    public async Task The_job_runs_in_the_launch_working_directory()
    {
        using var sandbox = new AttemptSandbox();
        var work = Directory.CreateDirectory(Path.Combine(sandbox.Root, "work dir")).FullName;

        await using var job = await executor.StartAsync(sandbox.Launch("pwd", workingDirectory: work), CancellationToken.None);
        await job.WaitForExitAsync(CancellationToken.None);

        Assert.Equal(work + "\n", sandbox.ReadStdout());
    }

    [Fact]
    public async Task A_missing_working_directory_is_a_clear_error()
    {
        using var sandbox = new AttemptSandbox();

        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => executor.StartAsync(sandbox.Launch("true", workingDirectory: "/no/such/dir"), CancellationToken.None));

        Assert.Contains("/no/such/dir", error.Message);
    }

    [Fact]
    public async Task Stdout_and_stderr_go_straight_into_their_log_files_without_a_pipe()
    {
        using var sandbox = new AttemptSandbox();
        var gate = Path.Combine(sandbox.Root, "gate");

        await using var job = await executor.StartAsync(sandbox.Launch($"echo out; echo err >&2; while [ ! -e '{gate}' ]; do sleep 0.01; done"), CancellationToken.None);
        await Observe.UntilAsync(() => sandbox.ReadStdout() == "out\n", "stdout in the log");

        Assert.Equal(sandbox.Stdout, new FileInfo($"/proc/{job.Pid}/fd/1").LinkTarget);
        Assert.Equal(sandbox.Stderr, new FileInfo($"/proc/{job.Pid}/fd/2").LinkTarget);
        Assert.Equal("/dev/null", new FileInfo($"/proc/{job.Pid}/fd/0").LinkTarget);
        File.WriteAllText(gate, "");
        await job.WaitForExitAsync(CancellationToken.None);
        Assert.Equal("err\n", sandbox.ReadStderr());
    }

    [Fact]
    public async Task Logs_of_every_attempt_are_kept()
    {
        using var sandbox = new AttemptSandbox();

        foreach (var attempt in new[] { 1, 2 })
        {
            await using var job = await executor.StartAsync(sandbox.Launch($"echo attempt {attempt}; echo problem {attempt} >&2"), CancellationToken.None);
            await job.WaitForExitAsync(CancellationToken.None);
        }

        Assert.Equal("attempt 1\nattempt 2\n", sandbox.ReadStdout());
        Assert.Equal("problem 1\nproblem 2\n", sandbox.ReadStderr());
    }

    [Fact]
    public async Task Stdin_is_empty_so_a_read_returns_at_once()
    {
        using var sandbox = new AttemptSandbox();

        await using var job = await executor.StartAsync(sandbox.Launch("read -r line; echo \"read=$? line=[$line]\""), CancellationToken.None);
        var exited = job.WaitForExitAsync(CancellationToken.None);

        Assert.Same(exited, await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(5))));
        Assert.Equal("read=1 line=[]\n", sandbox.ReadStdout());
    }

    [Theory]
    [InlineData("echo \"double $HOME\" 'single $HOME' \\$HOME")]
    [InlineData("printf '%s|' \"$0\" \"$#\" \"$@\" \"${1-unset}\"; echo")]
    [InlineData("a='x  y'\necho $a\necho \"$a\"\nfor w in \"a b\" c; do echo \"[$w]\"; done")]
    [InlineData("set -- 'one two' three; for arg in \"$@\"; do echo \"<$arg>\"; done; echo $((6*7)) `echo tick` $(echo sub)")]
    [InlineData("echo \"$SHLVL\"; echo ${BASH_ENV-none}; compgen -v | grep -E '^(rc|stat|fields)$' || echo clean")]
    [InlineData("cat <<'END'\nhere $doc \"quoted\"\nEND")]
    public async Task A_command_runs_exactly_as_bash_minus_c_would_run_it(string command)
    {
        using var sandbox = new AttemptSandbox();

        await using var job = await executor.StartAsync(sandbox.Launch(command), CancellationToken.None);
        await job.WaitForExitAsync(CancellationToken.None);

        Assert.Equal(await Observe.PlainBashAsync(command, sandbox.Root), sandbox.ReadStdout());
    }

    [Fact]
    public async Task The_job_environment_is_the_same_as_under_plain_bash_minus_c()
    {
        using var sandbox = new AttemptSandbox();
        const string command = "env -0 | sort -z | tr '\\0' '\\n' | grep -v '^_='";

        await using var job = await executor.StartAsync(sandbox.Launch(command), CancellationToken.None);
        await job.WaitForExitAsync(CancellationToken.None);

        Assert.Equal(await Observe.PlainBashAsync(command, sandbox.Root), sandbox.ReadStdout());
    }

    [Fact]
    public async Task Every_signal_is_at_its_default_and_none_is_blocked_whatever_the_agent_ignores()
    {
        // The agent (.NET ignores SIGPIPE), its launcher (ignores TERM, INT, HUP, QUIT) and glibc's posix_spawn (its
        // internal signals 32 and 33) must leak none of that into the job: an ignored SIGTERM would make every timeout
        // wait for the grace period, and an ignored SIGPIPE turns `producer | head` into a producer that runs on and
        // complains. Read by a child (grep): bash's own mask changes while it waits.
        using var sandbox = new AttemptSandbox();
        const string command = "grep -E '^Sig(Ign|Blk)' /proc/self/status; trap -p; yes | head -c 2 >/dev/null; echo \"yes: ${PIPESTATUS[0]}\"";

        await using var job = await executor.StartAsync(sandbox.Launch(command), CancellationToken.None);
        await job.WaitForExitAsync(CancellationToken.None);

        Assert.Equal("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nyes: 141\n", sandbox.ReadStdout());
    }

    [Fact]
    public async Task OLDPWD_is_what_the_agent_had_not_the_launchers_directory()
    {
        using var sandbox = new AttemptSandbox();
        var work = Directory.CreateDirectory(Path.Combine(sandbox.Root, "w")).FullName;
        var environment = new Dictionary<string, string> { ["OLDPWD"] = "/tmp" };

        await using var job = await executor.StartAsync(sandbox.Launch("echo \"$OLDPWD $PWD\"", environment, work), CancellationToken.None);
        await job.WaitForExitAsync(CancellationToken.None);

        Assert.Equal($"/tmp {work}\n", sandbox.ReadStdout());
    }

    [Fact]
    public async Task Many_attempts_in_a_row_each_get_their_own_exit_code()
    {
        using var sandbox = new AttemptSandbox();

        for (var code = 0; code < 20; code++)
        {
            await using var job = await executor.StartAsync(sandbox.Launch($"exit {code}"), CancellationToken.None);
            Assert.Equal(code, await job.WaitForExitAsync(CancellationToken.None));
        }
    }

    [Fact]
    public async Task Missing_directories_for_logs_and_exit_status_are_created()
    {
        using var sandbox = new AttemptSandbox();
        Assert.False(Directory.Exists(Path.Combine(sandbox.Root, "logs")));

        await using var job = await executor.StartAsync(sandbox.Launch("echo made"), CancellationToken.None);

        Assert.Equal(0, await job.WaitForExitAsync(CancellationToken.None));
        Assert.Equal("made\n", sandbox.ReadStdout());
        Assert.Equal("0", Observe.Recorded(sandbox.ExitFile).Exit);
    }
}
