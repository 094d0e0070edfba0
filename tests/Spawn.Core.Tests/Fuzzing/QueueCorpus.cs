using System.Text;
using Spawn.Core.Tests.Parsing;

namespace Spawn.Core.Tests.Fuzzing;

/// <summary>The files mutation starts from: every example queue, and the guide's reference and fragment snippets.</summary>
internal static class QueueCorpus
{
    // Declared before Files, which reads it as the class is set up.
    // From the guide: its field reference (with comments) and its dependency-pattern fragments (no timeouts).
    private static readonly string[] GuideSnippets =
    [
        """
        {
          "queue_id": "string",              // Unique identifier (required)
          "queue_name": "string",            // Human-readable name (required)
          "jobs": [                          // Array of jobs (required)
            {
              "job_id": "string",            // Unique job identifier (required)
              "command": "string",           // Shell command to execute (required)
              "timeout": "duration",         // Max execution time (required)
              "depends_on": ["job_id"],      // Job dependencies (optional)
              "env": {                       // Environment variables (optional)
                "KEY": "value"
              },
              "retry": {                     // Retry configuration (optional)
                "max_attempts": 3,
                "backoff": "exponential"     // "exponential" or "fixed"
              },
              "result_paths": ["glob"]       // Files to collect (optional)
            }
          ],
          "global_timeout": "duration",      // Max queue execution time (required)
          "on_failure": "string",            // "stop" or "continue" (required)
          "result_s3_bucket": "string",      // S3 bucket for results (required)
          "result_s3_prefix": "string"       // S3 prefix for results (optional)
        }
        """,
        """
        {
          "jobs": [
            {"job_id": "start", "command": "..."},
            {"job_id": "branch_a", "command": "...", "depends_on": ["start"]},
            {"job_id": "branch_b", "command": "...", "depends_on": ["start"]},
            {"job_id": "merge", "command": "...", "depends_on": ["branch_a", "branch_b"]}
          ]
        }
        """,
        """
        "result_paths": [
          "/tmp/models/*.pt",      // All .pt files
          "/logs/**/*.log",        // All .log files recursively
          "/data/processed/*.npy"  // All .npy files
        ]
        """,
    ];

    public static IReadOnlyList<byte[]> Files { get; } =
    [
        .. ExampleQueueTests.ExampleFiles().Select(name => File.ReadAllBytes(Parse.RepositoryFile("examples", name))),
        .. GuideSnippets.Select(Encoding.UTF8.GetBytes),
    ];
}
