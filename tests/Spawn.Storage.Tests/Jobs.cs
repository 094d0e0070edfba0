using Spawn.Core.Model;
using Spawn.Core.Retry;

namespace Spawn.Storage.Tests;

internal static class Jobs
{
    public static JobDefinition WithResults(string jobId, params string[] resultPaths) => new(
        jobId,
        "true",
        TimeSpan.FromMinutes(1),
        [],
        new Dictionary<string, string>(),
        RetryPolicy.None,
        resultPaths,
        KillGrace: null);
}
