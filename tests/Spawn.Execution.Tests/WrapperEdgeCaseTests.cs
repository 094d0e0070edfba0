using Spawn.Core.Ports;

namespace Spawn.Execution.Tests;

/// <summary>Corners of the wrapper that the other suites do not reach: BASH_ENV, relative paths, a killed wrapper.</summary>
public sealed class WrapperEdgeCaseTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("spawn-exec-edge-").FullName;
    private readonly BashJobExecutor _executor = new(TimeProvider.System);

    [Fact]
    public async Task BASH_ENV_is_sourced_by_the_command_and_not_by_the_wrapper()
    {
        // A BASH_ENV that the wrapper sourced would print twice and could break it (here: exit on any failure).
        var profile = Path.Combine(_root, "profile.sh");
        File.WriteAllText(profile, "echo sourced; greeting=hello; set -e\n");
        var launch = Launch("echo \"$greeting $BASH_ENV\"; false; echo not-reached", new Dictionary<string, string> { ["BASH_ENV"] = profile });

        Assert.Equal(1, await RunAsync(launch));

        Assert.Equal($"sourced\nhello {profile}\n", File.ReadAllText(launch.StdoutPath));
    }

    [Fact]
    public async Task Relative_log_and_exit_paths_are_the_agents_not_the_jobs_working_directory()
    {
        var workdir = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;
        string Relative(string name) => Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(_root, "rel", name));
        var launch = Launch("echo here", workingDirectory: workdir) with { StdoutPath = Relative("out.log"), ExitStatusPath = Relative("job.exit") };

        Assert.Equal(0, await RunAsync(launch));

        Assert.Equal("here\n", File.ReadAllText(Path.Combine(_root, "rel", "out.log")));
        Assert.Equal("0\n", File.ReadAllText(Path.Combine(_root, "rel", "job.exit")));
        Assert.False(Directory.Exists(Path.Combine(workdir, "rel")));
    }

    [Fact]
    public async Task A_wrapper_killed_outright_is_reported_as_a_death_by_SIGKILL()
    {
        // The command kills its parent, the wrapper, with SIGKILL: no exit file can be written, and the runtime's
        // view of the child's death must still give 128 + 9.
        var launch = Launch("kill -KILL $PPID; exec sleep 0.2");

        Assert.Equal(137, await RunAsync(launch));
        Assert.False(File.Exists(launch.ExitStatusPath));
    }

    [Fact]
    public async Task An_adopted_attempt_whose_wrapper_was_killed_outright_ends_with_137()
    {
        var launch = Launch("read -r _ < <(sleep 0.3; echo); kill -KILL $PPID");
        await using var started = await _executor.StartAsync(launch, CancellationToken.None);

        var adopted = Assert.IsType<AdoptionResult.StillRunning>(await new BashJobExecutor(TimeProvider.System).AdoptAsync(launch, started.Pid, started.StartTime, CancellationToken.None));
        await using var job = adopted.Job;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        Assert.Equal(137, await job.WaitForExitAsync(timeout.Token));
    }

    [Fact]
    public async Task Stopping_an_attempt_in_the_instant_before_it_has_made_its_session_still_stops_it()
    {
        // Right after the start, setsid may not have run yet: there is no group to signal. Repeated to meet that instant.
        for (var round = 0; round < 20; round++)
        {
            await using var job = await _executor.StartAsync(Launch("sleep 1000 & sleep 1000"), CancellationToken.None);
            await job.TerminateAsync(TimeSpan.FromSeconds(5), CancellationToken.None);

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            Assert.Contains(await job.WaitForExitAsync(timeout.Token), new[] { 137, 143 });
            Assert.Empty(Observe.LiveMembersOfGroup(job.Pid));
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private JobLaunch Launch(string command, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null) =>
        new(
            "q",
            "edge",
            1,
            command,
            environment ?? new Dictionary<string, string>(),
            workingDirectory ?? _root,
            Path.Combine(_root, "logs", "edge.out"),
            Path.Combine(_root, "logs", "edge.err"),
            Path.Combine(_root, "attempts", "edge.1.exit"));

    private async Task<int> RunAsync(JobLaunch launch)
    {
        await using var job = await _executor.StartAsync(launch, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await job.WaitForExitAsync(timeout.Token);
    }
}
