using Spawn.Core.Planning;
using Spawn.Core.Tests.Parsing;

namespace Spawn.Core.Tests.Planning;

public sealed class ExecutionPlanTests
{
    private static IReadOnlyList<string> OrderOf(string jobs) => ExecutionPlan.Order(Parse.Valid($$"""{"jobs": [{{jobs}}]}"""));

    private static string Job(string id, params string[] dependsOn) =>
        $$"""{"job_id": "{{id}}", "command": "true", "timeout": "1m", "depends_on": [{{string.Join(", ", dependsOn.Select(d => $"\"{d}\""))}}]}""";

    [Fact]
    public void Among_ready_jobs_the_earliest_in_the_file_runs_first()
    {
        // c and b are ready at the start; once c is done, a (earlier in the file than b) is ready and goes next.
        Assert.Equal(["c", "a", "b"], OrderOf(string.Join(",", Job("c"), Job("a", "c"), Job("b"))));
    }

    [Fact]
    public void A_job_listed_before_its_dependency_still_runs_after_it()
    {
        Assert.Equal(["setup", "report", "build"], OrderOf(string.Join(",", Job("build", "setup", "report"), Job("setup"), Job("report", "setup"))));
    }

    [Fact]
    public void Jobs_without_dependencies_run_in_file_order()
    {
        Assert.Equal(["z", "y", "x"], OrderOf(string.Join(",", Job("z"), Job("y"), Job("x"))));
    }

    [Fact]
    public void The_order_is_the_same_every_time()
    {
        var random = new Random(3);
        var json = LargeQueues.Build(5_000, i => LargeQueues.RandomEarlier(random, i));

        var first = ExecutionPlan.Order(Parse.Valid(json));
        var second = ExecutionPlan.Order(Parse.Valid(json));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Every_job_comes_after_all_of_its_dependencies_in_a_large_random_graph()
    {
        var random = new Random(5);
        var queue = Parse.Valid(LargeQueues.Build(5_000, i => LargeQueues.RandomEarlier(random, i)));

        var order = ExecutionPlan.Order(queue);

        var position = order.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        Assert.All(queue.Jobs, job => Assert.All(job.DependsOn, dependency => Assert.True(position[dependency] < position[job.JobId])));
    }
}
