using Microsoft.Extensions.Time.Testing;
using Spawn.Core.Model;
using Spawn.Core.Parsing;

namespace Spawn.Core.Tests.Parsing;

/// <summary>Parses queue text the way the CLI does, with a fixed clock, and renders errors compactly for asserts.</summary>
internal static class Parse
{
    public static readonly DateTimeOffset Now = new(2026, 1, 22, 14, 5, 30, TimeSpan.Zero);

    public static QueueParseResult Text(string json) => QueueFileParser.Parse(json, "queue.json", new FakeTimeProvider(Now));

    public static QueueDefinition Valid(string json)
    {
        var result = Text(json);
        Assert.True(result.Errors.Count == 0, "unexpected errors:\n" + string.Join("\n", result.Errors.Select(e => e.Format("queue.json"))));
        return result.Queue!;
    }

    /// <summary>Each error as "LINE:COL: MESSAGE".</summary>
    public static IReadOnlyList<string> Errors(string json)
    {
        var result = Text(json);
        Assert.Null(result.Queue);
        return result.Errors.Select(e => $"{e.Line}:{e.Column}: {e.Message}").ToList();
    }

    public static string RepositoryFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Spawn.slnx")))
            {
                return Path.Combine([dir.FullName, .. parts]);
            }
        }

        throw new DirectoryNotFoundException("no Spawn.slnx above " + AppContext.BaseDirectory);
    }
}
