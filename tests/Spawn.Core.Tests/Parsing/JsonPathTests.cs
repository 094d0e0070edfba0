using Spawn.Core.Parsing;

namespace Spawn.Core.Tests.Parsing;

public sealed class JsonPathTests
{
    [Fact]
    public void Paths_read_the_way_a_user_would_write_them()
    {
        var job = JsonPath.ForJob(2);

        Assert.Equal("jobs[2]", job.ToString());
        Assert.Equal("jobs[2].timeout", job.Child("timeout").ToString());
        Assert.Equal("jobs[2].depends_on[1]", job.Child("depends_on").Item(1).ToString());
        Assert.Equal("jobs[2].retry.max_attempts", job.Child("retry").Child("max_attempts").ToString());
        Assert.Equal("jobs[2].retry.retry_on_codes[0]", job.Child("retry").Child("retry_on_codes").Item(0).ToString());
        Assert.Equal("on_failure", ((JsonPath)"on_failure").ToString());
        Assert.Equal("the queue", JsonPath.Root.Describe());
        Assert.Equal("", JsonPath.Root.ToString());
    }

    [Fact]
    public void Paths_deeper_than_queue_files_go_are_still_spelled_out()
    {
        Assert.Equal("jobs[0].retry.x.y", JsonPath.ForJob(0).Child("retry").Child("x").Child("y").ToString());
    }
}
