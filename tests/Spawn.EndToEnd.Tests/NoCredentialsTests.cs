namespace Spawn.EndToEnd.Tests;

/// <summary>
/// A queue whose results go to S3, run where the SDK finds no AWS credentials at all: not one result could be stored,
/// so the run is refused before any job, in one line that says how to go on.
/// </summary>
public sealed class NoCredentialsTests : IDisposable
{
    private readonly Workspace _ws = new();

    public NoCredentialsTests()
    {
        // Nothing for the SDK's credential chain to find: no variables, no files, no instance metadata.
        _ws.Environment["AWS_ACCESS_KEY_ID"] = "";
        _ws.Environment["AWS_SECRET_ACCESS_KEY"] = "";
        _ws.Environment["AWS_SESSION_TOKEN"] = "";
        _ws.Environment["AWS_PROFILE"] = "";
        _ws.Environment["AWS_SHARED_CREDENTIALS_FILE"] = _ws.Path_("missing/credentials");
        _ws.Environment["AWS_CONFIG_FILE"] = _ws.Path_("missing/config");
        _ws.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        _ws.Environment["AWS_ENDPOINT_URL"] = "";
        _ws.Environment["AWS_ENDPOINT_URL_S3"] = "";
    }

    public void Dispose() => _ws.Dispose();

    private string QuickStart() => _ws.WriteQueue("""
        {"queue_id": "quick", "result_s3_bucket": "my-results-bucket",
         "jobs": [{"job_id": "prep", "timeout": "1m", "command": "echo ran >> ran.txt; echo data > data.csv", "result_paths": ["data.csv"]},
                  {"job_id": "train", "timeout": "1m", "depends_on": ["prep"], "command": "echo ran >> ran.txt"}]}
        """);

    [Fact]
    public async Task Spawn_queue_run_is_refused_before_any_job_with_one_line_that_says_how_to_go_on()
    {
        var run = await _ws.SpawnAsync("queue", "run", QuickStart(), "--state-file", _ws.StateFile, "--log-dir", _ws.LogDir);

        Assert.True(run.ExitCode == 2, run.ToString());
        var error = Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: no AWS credentials found", error, StringComparison.Ordinal);
        Assert.Contains("--results-dir DIR", error, StringComparison.Ordinal);
        Assert.Contains("nothing was run", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_ws.Work, "ran.txt")), "a job ran");
        Assert.False(File.Exists(_ws.StateFile), "a state was written");
    }

    [Fact]
    public async Task Spored_run_queue_is_refused_before_any_job_too()
    {
        var run = await _ws.RunAsync(Binaries.Spored, ["run-queue", QuickStart(), "--state-file", _ws.StateFile, "--log-dir", _ws.LogDir]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("no AWS credentials found", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_ws.Work, "ran.txt")), "a job ran");
    }

    [Fact]
    public async Task On_EC2_the_agent_waits_for_its_instance_roles_credentials_instead_of_refusing()
    {
        // An instance whose metadata service has no role credentials yet, as early in a boot.
        await using var imds = await Spawn.Tests.Shared.ImdsStub.StartAsync("i-0123456789abcdef0", "us-east-1", "t3.micro");
        foreach (var (key, value) in imds.ChildEnvironment)
        {
            _ws.Environment[key] = value;
        }

        await using var agent = BackgroundRun.Spored(_ws, "run-queue", QuickStart(), "--state-file", _ws.StateFile, "--log-dir", _ws.LogDir);

        await Poll.UntilAsync(() => agent.Stderr.Contains("waiting for the instance role's credentials", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the agent waits for credentials");
        Assert.False(agent.HasExited, agent.Stderr);
        Assert.False(File.Exists(Path.Combine(_ws.Work, "ran.txt")), "a job ran");
    }

    [Fact]
    public async Task With_results_dir_the_same_queue_runs_without_credentials()
    {
        var run = await _ws.RunQueueAsync(QuickStart());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["ran", "ran"], File.ReadAllLines(Path.Combine(_ws.Work, "ran.txt")));
    }
}
