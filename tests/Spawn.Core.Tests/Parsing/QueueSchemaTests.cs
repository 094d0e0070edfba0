using System.Text.Json;
using Spawn.Core.Parsing;

namespace Spawn.Core.Tests.Parsing;

public sealed class QueueSchemaTests
{
    private static JsonElement Schema => JsonDocument.Parse(QueueSchema.Json).RootElement;

    private static string[] Properties(JsonElement obj) => [.. obj.GetProperty("properties").EnumerateObject().Select(p => p.Name)];

    private static string[] Required(JsonElement obj) => [.. obj.GetProperty("required").EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public void The_committed_schema_file_is_exactly_what_spawn_queue_schema_prints()
    {
        var committed = File.ReadAllText(Parse.RepositoryFile("schema", "queue.schema.json")).ReplaceLineEndings("\n").TrimEnd('\n');
        Assert.Equal(committed, QueueSchema.Json.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_schema_names_exactly_the_fields_the_parser_accepts()
    {
        Assert.Equal(QueueFields.QueueAccepted.Order(), Properties(Schema).Order());
        Assert.Equal(QueueFields.Job.Order(), Properties(Schema.GetProperty("$defs").GetProperty("job")).Order());
        Assert.Equal(QueueFields.Retry.Order(), Properties(Schema.GetProperty("$defs").GetProperty("retry")).Order());
    }

    [Fact]
    public void The_schema_requires_what_the_parser_requires()
    {
        Assert.Equal(["jobs"], Required(Schema));
        Assert.Equal(["job_id", "command", "timeout"], Required(Schema.GetProperty("$defs").GetProperty("job")));
        Assert.Equal(["max_attempts"], Required(Schema.GetProperty("$defs").GetProperty("retry")));
    }

    [Theory]
    [MemberData(nameof(ExampleQueueTests.Examples), MemberType = typeof(ExampleQueueTests))]
    public void Example_queues_use_only_schema_fields_and_set_every_required_one(string file)
    {
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        var queue = JsonDocument.Parse(File.ReadAllText(Parse.RepositoryFile("examples", file)), options).RootElement;
        var defs = Schema.GetProperty("$defs");

        Conforms(queue, Schema);
        foreach (var job in queue.GetProperty("jobs").EnumerateArray())
        {
            Conforms(job, defs.GetProperty("job"));
            if (job.TryGetProperty("retry", out var retry))
            {
                Conforms(retry, defs.GetProperty("retry"));
            }
        }
    }

    private static void Conforms(JsonElement value, JsonElement schema)
    {
        var names = value.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Subset(Properties(schema).ToHashSet(), names.ToHashSet());
        Assert.Subset(names.ToHashSet(), Required(schema).ToHashSet());
    }
}
