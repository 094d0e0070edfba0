using Spawn.Core.Planning;

namespace Spawn.Core.Tests.Parsing;

public sealed class ExampleQueueTests
{
    public static IReadOnlyList<string> ExampleFiles() =>
        [.. Directory.GetFiles(Parse.RepositoryFile("examples"), "*.json").Select(f => Path.GetFileName(f)).Order()];

    public static TheoryData<string> Examples() => new(ExampleFiles());

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_queue_validates(string file)
    {
        var queue = Parse.Valid(File.ReadAllText(Parse.RepositoryFile("examples", file)));

        Assert.Equal(queue.Jobs.Count, ExecutionPlan.Order(queue).Count);
    }

    [Fact]
    public void The_guides_four_example_queues_are_all_there()
    {
        Assert.Subset(
            ExampleFiles().ToHashSet(),
            new HashSet<string> { "simple-queue.json", "ml-pipeline.json", "etl-pipeline.json", "ensemble-pipeline.json", "diamond.json" });
    }

    [Theory]
    [InlineData("simple-queue.json", "setup, process, cleanup")]
    [InlineData("ml-pipeline.json", "preprocess, train, evaluate, export")]
    [InlineData("etl-pipeline.json", "extract, transform, validate, load")]
    [InlineData("ensemble-pipeline.json", "preprocess, train_resnet, train_efficientnet, train_vit, ensemble")]
    [InlineData("diamond.json", "preprocess, train_model_a, train_model_b, ensemble")]
    [InlineData("ensemble-queue.json", "preprocess, train_resnet, train_efficientnet, train_vit, ensemble")]
    public void Example_queues_run_in_the_order_the_guide_describes(string file, string order)
    {
        var queue = Parse.Valid(File.ReadAllText(Parse.RepositoryFile("examples", file)));

        Assert.Equal(order, string.Join(", ", ExecutionPlan.Order(queue)));
    }
}
