using Spawn.Core.Model;
using Spawn.Core.Planning;
using Spawn.Core.Tests.Parsing;

namespace Spawn.Core.Tests.Validation;

/// <summary>The older implementation's validation and ordering suite, re-expressed against our parser.</summary>
public sealed class OlderSuiteTests
{
    private static string Queue(string jobs, string onFailure = "stop") => $$"""{"queue_id": "q", "on_failure": "{{onFailure}}", "jobs": [{{jobs}}]}""";

    private static string Job(string id, string timeout = "1m", string command = "echo hi", params string[] dependsOn) =>
        $$"""{"job_id": "{{id}}", "command": "{{command}}", "timeout": "{{timeout}}", "depends_on": [{{string.Join(", ", dependsOn.Select(d => $"\"{d}\""))}}]}""";

    private static string After(string id, params string[] dependsOn) => Job(id, dependsOn: dependsOn);

    [Fact]
    public void Duplicate_job_ids_are_rejected()
    {
        var error = Assert.Single(Parse.Errors(Queue($"{Job("job1")}, {Job("job1")}")));
        Assert.Contains("duplicate job_id \"job1\": jobs[0] already uses it", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_circular_dependency_between_two_jobs_is_rejected()
    {
        var error = Assert.Single(Parse.Errors(Queue($"{After("a", "b")}, {After("b", "a")}")));
        Assert.Contains("circular dependency: a -> b -> a", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dependency_on_a_missing_job_is_rejected()
    {
        var error = Assert.Single(Parse.Errors(Queue(After("job1", "nonexistent"))));
        Assert.Contains("job \"job1\" depends on \"nonexistent\", which is not a job in this queue", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("invalid")]
    [InlineData("")]
    public void An_invalid_timeout_is_rejected(string timeout)
    {
        var error = Assert.Single(Parse.Errors(Queue(Job("job1", timeout))));
        Assert.Contains($"jobs[0] (\"job1\").timeout: invalid duration \"{timeout}\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_job_id_is_rejected()
    {
        var error = Assert.Single(Parse.Errors(Queue(Job(""))));
        Assert.EndsWith("jobs[0].job_id must not be empty", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_command_is_rejected()
    {
        var error = Assert.Single(Parse.Errors(Queue(Job("job1", command: ""))));
        Assert.EndsWith("jobs[0] (\"job1\").command must not be empty", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_on_failure_is_rejected()
    {
        var error = Assert.Single(Parse.Errors(Queue(Job("job1"), onFailure: "invalid")));
        Assert.EndsWith("on_failure must be \"stop\" or \"continue\", found \"invalid\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_queue_with_on_failure_continue_is_accepted()
    {
        var queue = Parse.Valid(Queue($"{Job("job1")}, {After("job2", "job1")}", onFailure: "continue"));
        Assert.Equal(FailurePolicy.Continue, queue.OnFailure);
    }

    [Fact]
    public void A_linear_chain_runs_in_exactly_its_order()
    {
        var order = ExecutionPlan.Order(Parse.Valid(Queue($"{Job("job1")}, {After("job2", "job1")}, {After("job3", "job2")}")));
        Assert.Equal(["job1", "job2", "job3"], order);
    }

    [Fact]
    public void Parallel_branches_run_after_their_start_and_before_their_merge()
    {
        var order = ExecutionPlan.Order(Parse.Valid(Queue(
            $"{Job("start")}, {After("branch_a", "start")}, {After("branch_b", "start")}, {After("merge", "branch_a", "branch_b")}")));
        Assert.Equal(["start", "branch_a", "branch_b", "merge"], order);
    }

    [Fact]
    public void The_guides_diamond_runs_preprocess_both_models_then_the_ensemble()
    {
        var order = ExecutionPlan.Order(Parse.Valid(Queue(
            $"{Job("preprocess")}, {After("train_model_a", "preprocess")}, {After("train_model_b", "preprocess")}, {After("ensemble", "train_model_a", "train_model_b")}")));
        Assert.Equal(["preprocess", "train_model_a", "train_model_b", "ensemble"], order);
    }

    [Fact]
    public void Several_roots_start_in_file_order_and_their_dependents_follow()
    {
        var order = ExecutionPlan.Order(Parse.Valid(Queue(
            $"{Job("root1")}, {Job("root2")}, {After("child1", "root1")}, {After("child2", "root2")}, {After("final", "child1", "child2")}")));
        Assert.Equal(["root1", "root2", "child1", "child2", "final"], order);
    }

    [Fact]
    public void A_job_depending_on_itself_is_rejected()
    {
        var error = Assert.Single(Parse.Errors(Queue(After("job1", "job1"))));
        Assert.EndsWith("jobs[0].depends_on[0]: job \"job1\" depends on itself", error, StringComparison.Ordinal);
    }
}
