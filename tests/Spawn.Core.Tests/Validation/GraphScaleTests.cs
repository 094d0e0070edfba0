using System.Diagnostics;
using Spawn.Core.Planning;
using Spawn.Core.Tests.Parsing;

namespace Spawn.Core.Tests.Validation;

public sealed class GraphScaleTests
{
    [Fact]
    public void A_three_job_cycle_hidden_in_a_random_two_thousand_job_graph_is_found_and_reported_alone()
    {
        const int first = 300, middle = 900, last = 1700;
        var random = new Random(7);
        var json = LargeQueues.Build(2000, i => i switch
        {
            first => [last],
            last => [middle],
            middle => [first],
            _ => LargeQueues.RandomEarlier(random, i),
        });

        var errors = Parse.Errors(json);

        // The edge that closes the cycle is the one into its earliest job: job 900's "job-000300".
        var line = json.Split('\n')[middle + 2];
        var column = line.IndexOf("\"job-000300\"", StringComparison.Ordinal) + 1;
        Assert.Equal(
            [$"{middle + 3}:{column}: jobs[900] (\"job-000900\").depends_on[0]: circular dependency: job-000300 -> job-001700 -> job-000900 -> job-000300 (each job depends on the next)"],
            errors);
    }

    [Fact]
    public void A_hundred_thousand_job_chain_closed_into_a_cycle_is_reported_without_overflowing_the_stack()
    {
        const int count = 100_000;
        var json = LargeQueues.Build(count, i => i == 0 ? [count - 1] : [i - 1]);

        var errors = Parse.Errors(json);

        var error = Assert.Single(errors);
        Assert.StartsWith("4:", error, StringComparison.Ordinal);
        Assert.Contains("jobs[1] (\"job-000001\").depends_on[0]: circular dependency: job-000000 -> job-099999 -> job-099998", error, StringComparison.Ordinal);
        Assert.EndsWith("job-000001 -> job-000000 (each job depends on the next)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hundred_thousand_job_random_graph_parses_and_plans_without_slowing_down_quadratically()
    {
        var random = new Random(11);
        var json = LargeQueues.Build(100_000, i => LargeQueues.RandomEarlier(random, i));

        var clock = Stopwatch.StartNew();
        var queue = Parse.Valid(json);
        var order = ExecutionPlan.Order(queue);
        clock.Stop();

        Assert.Equal(100_000, order.Count);
        // A generous bound that only a quadratic step would break (bench/validate-scale.sh holds the 2 s target).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }
}
