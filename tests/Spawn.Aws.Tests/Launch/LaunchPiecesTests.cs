using Amazon.EC2;
using Spawn.Aws.Launch;

namespace Spawn.Aws.Tests.Launch;

/// <summary>The parts of a launch that moto cannot exercise: EC2's refusals in words, the user data's limits.</summary>
public sealed class LaunchPiecesTests
{
    [Theory]
    [InlineData("InsufficientInstanceCapacity", "no capacity for this instance type")]
    [InlineData("UnauthorizedOperation", "not allowed")]
    [InlineData("AuthFailure", "credentials were refused")]
    public void EC2_refusals_read_as_what_to_do(string code, string expected)
    {
        var refusal = new AmazonEC2Exception("You are not authorized / there is no capacity") { ErrorCode = code };

        Assert.Contains(expected, AwsErrorText.Describe(refusal));
    }

    [Fact]
    public void The_user_data_fits_EC2s_limit_and_quotes_what_it_is_given()
    {
        var upload = new AgentUpload("queues/it's/agent/spored", new string('a', 64), "queues/it's/agent/queue.json", new string('b', 64), 14_000_000, 200);

        var script = UserDataScript.Render(new BootstrapSettings("q-1", "us-east-1", "bucket", upload, DeadlineMinutes: 75, PowerOffWhenDone: true));

        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(script), 1, UserDataScript.MaxBytes - 1);
        Assert.Contains("agent_key='queues/it'\\''s/agent/spored'", script);
        Assert.DoesNotMatch("@[A-Z_]+@", script); // every placeholder filled
    }

    [Theory]
    [InlineData("""{"global_timeout": "1h", "jobs": [{"job_id": "a", "command": "true", "timeout": "1m"}]}""", 75)]
    [InlineData("""{"jobs": [{"job_id": "a", "command": "true", "timeout": "2562047h", "retry": {"max_attempts": 100}}]}""", int.MaxValue)]
    public void The_dead_man_switch_is_the_longest_legal_run_plus_15_minutes(string json, int minutes)
    {
        var queue = Spawn.Core.Parsing.QueueFileParser.Parse(System.Text.Encoding.UTF8.GetBytes(json), "q.json", TimeProvider.System).Queue!;

        Assert.Equal(minutes, QueueLauncher.DeadlineMinutes(queue));
    }

    [Theory]
    [InlineData("i-0123456789abcdef0", true)]
    [InlineData("i-01234567", true)]
    [InlineData("i-0123456789abcdefg", false)]
    [InlineData("my-queue", false)]
    public void Instance_ids_are_told_from_queue_ids(string value, bool isInstance) =>
        Assert.Equal(isInstance, InstanceLookup.IsInstanceId(value));
}
