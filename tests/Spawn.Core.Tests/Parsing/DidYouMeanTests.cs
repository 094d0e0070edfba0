using Spawn.Core.Parsing;

namespace Spawn.Core.Tests.Parsing;

public sealed class DidYouMeanTests
{
    [Theory]
    [InlineData("retry_count", "retry")]
    [InlineData("depend_on", "depends_on")]
    [InlineData("dependencies", "depends_on")]
    [InlineData("jbo_id", "job_id")]
    [InlineData("timout", "timeout")]
    [InlineData("Command", "command")]
    [InlineData("cmd", "command")]
    public void Job_fields_suggest_what_the_user_meant(string written, string meant)
    {
        Assert.Equal(meant, DidYouMean.ForJobField(written));
    }

    [Theory]
    [InlineData("name", "queue_name")]
    [InlineData("globaltimeout", "global_timeout")]
    [InlineData("result_bucket", "result_s3_bucket")]
    public void Queue_fields_suggest_what_the_user_meant(string written, string meant)
    {
        Assert.Equal(meant, DidYouMean.ForQueueField(written));
    }

    [Theory]
    [InlineData("priority")]
    [InlineData("x")]
    public void Nothing_is_suggested_when_nothing_is_close(string written)
    {
        Assert.Null(DidYouMean.ForJobField(written));
    }

    [Fact]
    public void One_letter_names_are_not_matched_to_other_one_letter_names()
    {
        Assert.Null(DidYouMean.Closest("c", ["a", "b"]));
    }

    [Fact]
    public void A_name_longer_than_any_id_gets_no_suggestion()
    {
        // Found by fuzzing: a long unknown dependency next to a long job id built a distance table of their lengths'
        // product (gigabytes for ids of 50,000 characters) and brought validation down.
        var id = new string('x', 5000);

        Assert.Null(DidYouMean.Closest(id + "y", [id]));
    }
}
