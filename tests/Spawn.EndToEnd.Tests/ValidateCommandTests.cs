using System.Text.Json;

namespace Spawn.EndToEnd.Tests;

/// <summary><c>spawn queue validate | graph | schema</c>, run as the built binary.</summary>
public sealed class ValidateCommandTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Theory]
    [InlineData("simple-queue.json", "setup")]
    [InlineData("ml-pipeline.json", "preprocess")]
    [InlineData("etl-pipeline.json", "extract")]
    [InlineData("ensemble-pipeline.json", "preprocess")]
    [InlineData("diamond.json", "preprocess")]
    [InlineData("ensemble-queue.json", "preprocess")]
    public async Task Each_example_queue_validates_and_shows_its_execution_order(string file, string firstJob)
    {
        var result = await _ws.SpawnAsync("queue", "validate", Binaries.Example(file));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Execution order:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"  1. {firstJob}", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task Json_output_gives_the_guides_diamond_order()
    {
        var result = await _ws.SpawnAsync("queue", "validate", "--json", Binaries.Example("diamond.json"));

        Assert.Equal(0, result.ExitCode);
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.True(json.GetProperty("valid").GetBoolean());
        Assert.Equal("diamond", json.GetProperty("queue_id").GetString());
        Assert.Equal(["preprocess", "train_model_a", "train_model_b", "ensemble"], json.GetProperty("order").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(json.GetProperty("errors").EnumerateArray());
    }

    [Fact]
    public async Task A_minimal_queue_says_which_defaults_it_uses()
    {
        var file = _ws.WriteQueue("""{"queue_id": "mini", "jobs": [{"job_id": "a", "command": "true", "timeout": "1m"}]}""");

        var result = await _ws.SpawnAsync("queue", "validate", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("on_failure not set: using \"stop\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("global_timeout not set: no queue-wide time limit", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("result_s3_bucket not set: results go to a local directory", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_error_is_printed_as_file_line_column_on_stderr_with_exit_code_2()
    {
        var file = _ws.WriteQueue("""
            {
              "jobs": [
                {"job_id": "a", "command": "true", "timeout": "1d", "retry_count": 3},
                {"job_id": "b", "command": "true", "timeout": "1m", "depends_on": ["c"]}
              ]
            }
            """);

        var result = await _ws.SpawnAsync("queue", "validate", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal(
            [
                $"{file}:3:51: error: jobs[0] (\"a\").timeout: invalid duration \"1d\" (use Go syntax such as \"90s\", \"5m\", \"1h30m\")",
                $"{file}:3:57: error: unknown field \"retry_count\" in jobs[0] (\"a\"); did you mean \"retry\"?",
                $"{file}:4:72: error: jobs[1].depends_on[0]: job \"b\" depends on \"c\", which is not a job in this queue",
            ],
            result.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("run")]
    public async Task A_NUL_in_a_command_or_env_value_is_refused_before_anything_runs(string command)
    {
        var marker = _ws.Path_("ran");
        var file = _ws.WriteQueue($$$"""
            {"jobs": [
              {"job_id": "first", "command": "touch {{{marker}}}", "timeout": "1m"},
              {"job_id": "train", "command": "echo a\u0000b", "timeout": "1m", "env": {"MODE": "x\u0000y"}}
            ]}
            """);

        var result = command == "run" ? await _ws.RunQueueAsync(file) : await _ws.SpawnAsync("queue", "validate", file);

        Assert.True(result.ExitCode == 2, result.ToString());
        var nul = "contains a NUL character (\\u0000), which a command, environment value or path cannot carry";
        Assert.Equal(
            [
                $"{file}:3:34: error: jobs[1] (\"train\").command {nul}",
                $"{file}:3:84: error: jobs[1] (\"train\").env.MODE {nul}",
            ],
            result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.False(File.Exists(marker));
        Assert.False(File.Exists(_ws.StateFile));
    }

    [Fact]
    public async Task Json_output_of_an_invalid_file_lists_the_errors_with_positions_and_paths()
    {
        var file = _ws.WriteQueue("""{"jobs": [{"job_id": "a", "command": "true", "timeout": "1m", "retry": {"max_attempts": 0}}]}""");

        var result = await _ws.SpawnAsync("queue", "validate", "--json", file);

        Assert.Equal(2, result.ExitCode);
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.False(json.GetProperty("valid").GetBoolean());
        Assert.Empty(json.GetProperty("order").EnumerateArray());
        var error = Assert.Single(json.GetProperty("errors").EnumerateArray());
        Assert.Equal(1, error.GetProperty("line").GetInt32());
        Assert.Equal(89, error.GetProperty("column").GetInt32());
        Assert.Equal("jobs[0].retry.max_attempts", error.GetProperty("path").GetString());
        Assert.Equal("jobs[0] (\"a\").retry.max_attempts must be at least 1, found 0", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_missing_file_is_one_clear_line_and_exit_code_2()
    {
        var result = await _ws.SpawnAsync("queue", "validate", "nope.json");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("nope.json: error: no such file\n", result.Stderr);
    }

    [Fact]
    public async Task The_graph_command_draws_the_diamond_in_mermaid_and_dot()
    {
        var mermaid = await _ws.SpawnAsync("queue", "graph", Binaries.Example("diamond.json"));
        var dot = await _ws.SpawnAsync("queue", "graph", "--format", "dot", Binaries.Example("diamond.json"));

        Assert.Equal(0, mermaid.ExitCode);
        Assert.Equal(
            "flowchart TD\n    n0[\"preprocess\"]\n    n1[\"train_model_a\"]\n    n2[\"train_model_b\"]\n    n3[\"ensemble\"]\n" +
            "    n0 --> n1\n    n0 --> n2\n    n1 --> n3\n    n2 --> n3\n",
            mermaid.Stdout);
        Assert.Equal(0, dot.ExitCode);
        Assert.Contains("\"preprocess\" -> \"train_model_a\";", dot.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("digraph \"diamond\" {", dot.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_graph_format_is_a_usage_error()
    {
        var result = await _ws.SpawnAsync("queue", "graph", "--format", "png", Binaries.Example("diamond.json"));

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task The_schema_command_prints_the_committed_schema()
    {
        var result = await _ws.SpawnAsync("queue", "schema");

        Assert.Equal(0, result.ExitCode);
        var committed = await File.ReadAllTextAsync(Path.Combine(Binaries.RepositoryRoot, "schema", "queue.schema.json"));
        Assert.Equal(committed.TrimEnd('\n'), result.Stdout.TrimEnd('\n'));
    }
}
