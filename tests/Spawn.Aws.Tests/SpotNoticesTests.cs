namespace Spawn.Aws.Tests;

public sealed class SpotNoticesTests
{
    private static readonly DateTimeOffset Seen = new(2026, 1, 22, 14, 5, 30, TimeSpan.Zero);

    [Fact]
    public void EC2s_instance_action_is_a_notice_with_its_action_and_time()
    {
        var notice = SpotNotices.Parse("""{"action": "terminate", "time": "2026-01-22T14:07:30Z"}""", Seen);

        Assert.NotNull(notice);
        Assert.Equal(("terminate", new DateTimeOffset(2026, 1, 22, 14, 7, 30, TimeSpan.Zero), Seen), (notice.Action, notice.ActionAt, notice.SeenAt));
        Assert.EndsWith("run `spawn queue resume` to go on on a new instance", notice.Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"action": "stop"}""")]
    [InlineData("""{"action": "stop", "time": "soon"}""")]
    [InlineData("""["stop"]""")]
    public void Anything_else_is_no_notice(string? body)
    {
        Assert.Null(SpotNotices.Parse(body, Seen));
    }
}
