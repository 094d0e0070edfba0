using System.Text;

namespace Spawn.Core.Tests.Parsing;

/// <summary>Generated queue files, one job per line (job i on line i + 3), for graph-size tests.</summary>
internal static class LargeQueues
{
    public static string Id(int i) => $"job-{i:D6}";

    /// <param name="dependsOn">The dependency indices of job i.</param>
    public static string Build(int count, Func<int, IEnumerable<int>> dependsOn)
    {
        var text = new StringBuilder("{\n  \"jobs\": [\n");
        for (var i = 0; i < count; i++)
        {
            var deps = string.Join(", ", dependsOn(i).Select(d => $"\"{Id(d)}\""));
            text.Append($"    {{\"job_id\": \"{Id(i)}\", \"command\": \"true\", \"timeout\": \"1m\", \"depends_on\": [{deps}]}}");
            text.Append(i + 1 < count ? ",\n" : "\n");
        }

        return text.Append("  ]\n}\n").ToString();
    }

    /// <summary>A random DAG: each job depends on up to three earlier jobs.</summary>
    public static IEnumerable<int> RandomEarlier(Random random, int i) =>
        i == 0 ? [] : Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(0, i)).Distinct().ToList();
}
