using Spawn.Core.Planning;
using Spawn.Core.Tests.Parsing;

namespace Spawn.Core.Tests.Planning;

/// <summary>The longest run a queue file allows: what an instance's dead-man switch must never cut short.</summary>
public sealed class QueueTimeBoundTests
{
    [Fact]
    public void The_global_timeout_is_the_bound_when_the_file_sets_one()
    {
        var queue = Parse.Valid("""{"global_timeout": "2h", "jobs": [{"job_id": "a", "command": "true", "timeout": "30h"}]}""");

        Assert.Equal(TimeSpan.FromHours(2), QueueTimeBound.Of(queue));
    }

    [Fact]
    public void Without_one_every_attempt_runs_to_its_timeout_and_grace_with_the_longest_backoff_between()
    {
        var queue = Parse.Valid("""
            {"kill_grace": "10s", "jobs": [
              {"job_id": "a", "command": "true", "timeout": "1h"},
              {"job_id": "b", "command": "true", "timeout": "10m", "retry": {"max_attempts": 3, "backoff": "fixed", "base_delay": "7m"}}
            ]}
            """);

        var a = TimeSpan.FromHours(1) + TimeSpan.FromSeconds(10);
        var b = (TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(10)) * 3 + TimeSpan.FromMinutes(7) * 2;
        Assert.Equal(a + b, QueueTimeBound.Of(queue));
    }

    [Fact]
    public void Absurd_timeouts_saturate_instead_of_overflowing()
    {
        var queue = Parse.Valid("""
            {"jobs": [
              {"job_id": "a", "command": "true", "timeout": "2562047h", "retry": {"max_attempts": 100}},
              {"job_id": "b", "command": "true", "timeout": "2562047h", "retry": {"max_attempts": 100}}
            ]}
            """);

        Assert.Equal(TimeSpan.MaxValue, QueueTimeBound.Of(queue));
    }
}
