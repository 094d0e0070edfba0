namespace Spawn.Core.Tests.Parsing;

/// <summary>
/// Queue files with mistakes, each with the exact position and message the user sees. Positions are 1-based
/// line:column; a missing field points at the object that lacks it, anything else at the offending key or value.
/// </summary>
public sealed class BadQueueTests
{
    public static TheoryData<string, string, string> Cases() => new()
    {
        // ---- not JSON, or not a queue
        {
            "malformed JSON: a missing comma",
            """
            {
              "jobs": [
                {"job_id": "a" "command": "x", "timeout": "1m"}
              ]
            }
            """,
            "3:20: invalid JSON: '\"' is invalid after a value. Expected either ',', '}', or ']'."
        },
        {
            "malformed JSON: the file ends inside the jobs array",
            "{\"jobs\": [",
            "1:11: invalid JSON: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed."
        },
        {
            // Found by fuzzing: System.Text.Json quotes the rest of the file after a misspelt literal, line breaks and all.
            "malformed JSON: a misspelt literal is named by its word alone",
            """
            {"jobs": [tru,
              {"job_id": "a"}]}
            """,
            "1:14: invalid JSON: 'tru' is an invalid JSON literal. Expected the literal 'true'."
        },
        {
            // Found by fuzzing: a name or value with a line break or an escape sequence made an error span lines.
            "control characters in names and values are shown escaped, as the file spells them",
            """
            {"jobs": [{"job_id": "a", "command": "x", "timeout": "1m\n", "env": {"cr\rhere": "v", "\u001b[31m": "v"}}]}
            """,
            "1:54: jobs[0] (\"a\").timeout: invalid duration \"1m\\n\" (use Go syntax such as \"90s\", \"5m\", \"1h30m\")\n" +
            "1:70: jobs[0] (\"a\").env: \"cr\\rhere\" is not a valid environment variable name (letters, digits and '_', not starting with a digit)\n" +
            "1:87: jobs[0] (\"a\").env: \"\\u001b[31m\" is not a valid environment variable name (letters, digits and '_', not starting with a digit)"
        },
        {
            "an empty file",
            "  \n",
            "1:1: queue.json is empty: a queue file is a JSON object with a \"jobs\" array"
        },
        {
            "the root is an array",
            "[{\"job_id\": \"a\"}]",
            "1:1: a queue file must be a JSON object with a \"jobs\" array, found array"
        },
        {
            "no jobs field",
            "{\"queue_id\": \"q\"}",
            "1:1: the queue is missing required field \"jobs\" (an array with at least one job)"
        },
        {
            "an empty jobs array",
            "{\"jobs\": []}",
            "1:10: jobs must contain at least one job"
        },
        {
            "jobs is an object",
            "{\"jobs\": {}}",
            "1:10: jobs must be an array, found object"
        },
        {
            "a job is a string",
            "{\"jobs\": [\"echo hi\"]}",
            "1:11: jobs[0] must be an object, found string"
        },

        // ---- unknown fields and duplicate keys
        {
            "retry_count instead of retry",
            """
            {"jobs": [
              {"job_id": "a", "command": "x", "timeout": "1m", "retry_count": 3}
            ]}
            """,
            "2:52: unknown field \"retry_count\" in jobs[0] (\"a\"); did you mean \"retry\"?"
        },
        {
            "depend_on instead of depends_on",
            """
            {"jobs": [
              {"job_id": "a", "command": "x", "timeout": "1m"},
              {"job_id": "b", "command": "x", "timeout": "1m", "depend_on": ["a"]}
            ]}
            """,
            "3:52: unknown field \"depend_on\" in jobs[1] (\"b\"); did you mean \"depends_on\"?"
        },
        {
            "dependencies instead of depends_on",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "dependencies": []}]}""",
            "1:60: unknown field \"dependencies\" in jobs[0] (\"a\"); did you mean \"depends_on\"?"
        },
        {
            "a misspelt top-level field",
            """
            {
              "on_falure": "stop",
              "jobs": [{"job_id": "a", "command": "x", "timeout": "1m"}]
            }
            """,
            "2:3: unknown field \"on_falure\" in the queue; did you mean \"on_failure\"?"
        },
        {
            "a misspelt retry field",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "retry": {"max_attempt": 3}}]}""",
            "1:69: jobs[0] (\"a\").retry is missing required field \"max_attempts\" (total attempts, including the first)\n" +
            "1:70: unknown field \"max_attempt\" in jobs[0] (\"a\").retry; did you mean \"max_attempts\"?"
        },
        {
            "a field nothing resembles",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "priority": 1}]}""",
            "1:60: unknown field \"priority\" in jobs[0] (\"a\"); expected one of job_id, command, timeout, depends_on, env, retry, result_paths, kill_grace, cpus, gpus"
        },
        {
            "a duplicate key in a job",
            """{"jobs": [{"job_id": "a", "command": "x", "command": "y", "timeout": "1m"}]}""",
            "1:43: duplicate key \"command\" in jobs[0] (\"a\")"
        },
        {
            "a duplicate top-level key",
            """
            {
              "queue_id": "one",
              "queue_id": "two",
              "jobs": [{"job_id": "a", "command": "x", "timeout": "1m"}]
            }
            """,
            "3:3: duplicate key \"queue_id\" in the queue"
        },

        // ---- wrong types and missing required fields
        {
            "a timeout given as a number of seconds",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": 60}]}""",
            "1:54: jobs[0] (\"a\").timeout must be a duration string such as \"90s\" or \"5m\", found number"
        },
        {
            "depends_on given as a string",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m"}, {"job_id": "b", "command": "x", "timeout": "1m", "depends_on": "a"}]}""",
            "1:124: jobs[1] (\"b\").depends_on must be an array, found string"
        },
        {
            "max_attempts given as a string",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "retry": {"max_attempts": "3"}}]}""",
            "1:86: jobs[0] (\"a\").retry.max_attempts must be a whole number, found string"
        },
        {
            "max_attempts with a fraction",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "retry": {"max_attempts": 2.5}}]}""",
            "1:86: jobs[0] (\"a\").retry.max_attempts must be a whole number, found 2.5"
        },
        {
            "a command given as an array",
            """{"jobs": [{"job_id": "a", "command": ["echo", "hi"], "timeout": "1m"}]}""",
            "1:38: jobs[0] (\"a\").command must be a string, found array"
        },
        {
            "a job without job_id",
            """{"jobs": [{"command": "x", "timeout": "1m"}]}""",
            "1:11: jobs[0] is missing required field \"job_id\""
        },
        {
            "a job without command",
            """{"jobs": [{"job_id": "a", "timeout": "1m"}]}""",
            "1:11: jobs[0] (\"a\") is missing required field \"command\""
        },
        {
            "a job without timeout",
            """{"jobs": [{"job_id": "a", "command": "x"}]}""",
            "1:11: jobs[0] (\"a\") is missing required field \"timeout\""
        },

        // ---- ids, commands, env, result paths
        {
            "an empty job_id",
            """{"jobs": [{"job_id": "", "command": "x", "timeout": "1m"}]}""",
            "1:22: jobs[0].job_id must not be empty"
        },
        {
            "a job_id with a space",
            """{"jobs": [{"job_id": "train model", "command": "x", "timeout": "1m"}]}""",
            "1:22: jobs[0].job_id \"train model\" is not a valid id: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit"
        },
        {
            "a job_id that could escape the log directory",
            """{"jobs": [{"job_id": "../etc", "command": "x", "timeout": "1m"}]}""",
            "1:22: jobs[0].job_id \"../etc\" is not a valid id: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit"
        },
        {
            "a queue_id with a slash",
            """{"queue_id": "a/b", "jobs": [{"job_id": "a", "command": "x", "timeout": "1m"}]}""",
            "1:14: queue_id \"a/b\" is not a valid id: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit (omit it to have one generated)"
        },
        {
            "an empty command",
            """{"jobs": [{"job_id": "a", "command": "   ", "timeout": "1m"}]}""",
            "1:38: jobs[0] (\"a\").command must not be empty"
        },
        {
            "an env name starting with a digit",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "env": {"1GPU": "0"}}]}""",
            "1:68: jobs[0] (\"a\").env: \"1GPU\" is not a valid environment variable name (letters, digits and '_', not starting with a digit)"
        },
        {
            "an env value that is a number",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "env": {"BATCH_SIZE": 32}}]}""",
            "1:82: jobs[0] (\"a\").env.BATCH_SIZE must be a string, found number"
        },
        {
            "an env variable the runner sets itself",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "env": {"JOB_ID": "x"}}]}""",
            "1:68: jobs[0] (\"a\").env: JOB_ID is set by spawn for every attempt and cannot be overridden"
        },
        {
            "an empty result path",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "result_paths": ["/tmp/a", ""]}]}""",
            "1:87: jobs[0] (\"a\").result_paths[1] must not be empty"
        },

        // ---- durations
        {
            "a timeout in days",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1d"}]}""",
            "1:54: jobs[0] (\"a\").timeout: invalid duration \"1d\" (use Go syntax such as \"90s\", \"5m\", \"1h30m\")"
        },
        {
            "a timeout without a unit",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "5"}]}""",
            "1:54: jobs[0] (\"a\").timeout: invalid duration \"5\" (use Go syntax such as \"90s\", \"5m\", \"1h30m\")"
        },
        {
            "an empty timeout",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": ""}]}""",
            "1:54: jobs[0] (\"a\").timeout: invalid duration \"\" (use Go syntax such as \"90s\", \"5m\", \"1h30m\")"
        },
        {
            "a timeout of zero",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "0s"}]}""",
            "1:54: jobs[0] (\"a\").timeout must be positive, found \"0s\""
        },
        {
            "a negative timeout",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "-5m"}]}""",
            "1:54: jobs[0] (\"a\").timeout must be positive, found \"-5m\""
        },
        {
            "a zero global timeout",
            """{"global_timeout": "0", "jobs": [{"job_id": "a", "command": "x", "timeout": "1m"}]}""",
            "1:20: global_timeout must be positive, found \"0\""
        },
        {
            "a negative kill grace",
            """{"kill_grace": "-1s", "jobs": [{"job_id": "a", "command": "x", "timeout": "1m"}]}""",
            "1:16: kill_grace must be zero or more, found \"-1s\""
        },

        // ---- retry
        {
            "max_attempts of zero",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "retry": {"max_attempts": 0}}]}""",
            "1:86: jobs[0] (\"a\").retry.max_attempts must be at least 1, found 0"
        },
        {
            "an unknown backoff strategy",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "retry": {"max_attempts": 3, "backoff": "linear"}}]}""",
            "1:100: jobs[0] (\"a\").retry.backoff must be \"exponential\", \"fixed\" or \"exponential-jitter\", found \"linear\""
        },
        {
            "a misspelt backoff strategy",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "retry": {"max_attempts": 3, "backoff": "exponentail"}}]}""",
            "1:100: jobs[0] (\"a\").retry.backoff must be \"exponential\", \"fixed\" or \"exponential-jitter\", found \"exponentail\"; did you mean \"exponential\"?"
        },
        {
            "jitter above 1",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "retry": {"max_attempts": 3, "jitter": 1.5}}]}""",
            "1:99: jobs[0] (\"a\").retry.jitter must be between 0 and 1 (a fraction of the delay), found 1.5"
        },
        {
            "negative jitter",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "retry": {"max_attempts": 3, "jitter": -0.1}}]}""",
            "1:99: jobs[0] (\"a\").retry.jitter must be between 0 and 1 (a fraction of the delay), found -0.1"
        },
        {
            "an invalid base delay",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "retry": {"max_attempts": 3, "base_delay": "soon"}}]}""",
            "1:103: jobs[0] (\"a\").retry.base_delay: invalid duration \"soon\" (use Go syntax such as \"90s\", \"5m\", \"1h30m\")"
        },
        {
            "a zero max delay",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "retry": {"max_attempts": 3, "max_delay": "0s"}}]}""",
            "1:102: jobs[0] (\"a\").retry.max_delay must be positive, found \"0s\""
        },
        {
            "exit codes outside 1-255",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "retry": {"max_attempts": 3, "retry_on_codes": [0, 1, 256]}}]}""",
            "1:108: jobs[0] (\"a\").retry.retry_on_codes[0] must be an exit code from 1 to 255, found 0\n" +
            "1:114: jobs[0] (\"a\").retry.retry_on_codes[2] must be an exit code from 1 to 255, found 256"
        },

        // ---- queue-level settings
        {
            "an unknown on_failure",
            """{"on_failure": "halt", "jobs": [{"job_id": "a", "command": "x", "timeout": "1m"}]}""",
            "1:16: on_failure must be \"stop\" or \"continue\", found \"halt\""
        },
        {
            "a bucket written as a URL",
            """{"result_s3_bucket": "s3://my-bucket/results", "jobs": [{"job_id": "a", "command": "x", "timeout": "1m"}]}""",
            "1:22: result_s3_bucket must be a bucket name such as \"spawn-results\", found \"s3://my-bucket/results\" (put any path in result_s3_prefix)"
        },
        {
            "a prefix that climbs out of the results root",
            """{"result_s3_prefix": "runs/../../etc", "jobs": [{"job_id": "a", "command": "x", "timeout": "1m"}]}""",
            "1:22: result_s3_prefix must stay below the results root, found \"runs/../../etc\" (no \".\" or \"..\" segments)"
        },
        {
            "a prefix that is only \"..\"",
            """{"result_s3_prefix": "..", "jobs": [{"job_id": "a", "command": "x", "timeout": "1m"}]}""",
            "1:22: result_s3_prefix must stay below the results root, found \"..\" (no \".\" or \"..\" segments)"
        },

        // ---- what the kernel and the timers cannot take (issue 16)
        {
            "a NUL in a command",
            """{"jobs": [{"job_id": "a", "command": "echo a\u0000b", "timeout": "1m"}]}""",
            "1:38: jobs[0] (\"a\").command contains a NUL character (\\u0000), which a command, environment value or path cannot carry"
        },
        {
            "a NUL in an env value",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "env": {"MODE": "fast\u0000slow"}}]}""",
            "1:76: jobs[0] (\"a\").env.MODE contains a NUL character (\\u0000), which a command, environment value or path cannot carry"
        },
        {
            "a NUL in a result path",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "result_paths": ["out\u0000.json"]}]}""",
            "1:77: jobs[0] (\"a\").result_paths[0] contains a NUL character (\\u0000), which a command, environment value or path cannot carry"
        },
        {
            "a timeout of one nanosecond",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1ns"}]}""",
            "1:54: jobs[0] (\"a\").timeout must be at least 1ms, found \"1ns\" (time is counted in whole milliseconds)"
        },
        {
            "a timeout just under a millisecond",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "999us"}]}""",
            "1:54: jobs[0] (\"a\").timeout must be at least 1ms, found \"999us\" (time is counted in whole milliseconds)"
        },
        {
            "a fraction of a millisecond",
            """{"global_timeout": "0.5ms", "jobs": [{"job_id": "a", "command": "x", "timeout": "1ms"}]}""",
            "1:20: global_timeout must be at least 1ms, found \"0.5ms\" (time is counted in whole milliseconds)"
        },
        {
            "a kill grace of a microsecond",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "kill_grace": "1us"}]}""",
            "1:74: jobs[0] (\"a\").kill_grace must be zero or at least 1ms, found \"1us\" (time is counted in whole milliseconds)"
        },
        {
            "a negative nanosecond kill grace",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "kill_grace": "-1ns"}]}""",
            "1:74: jobs[0] (\"a\").kill_grace must be zero or more, found \"-1ns\""
        },
        {
            "an error names the job by id beside its position",
            """
            {"jobs": [
              {"job_id": "fetch", "command": "x", "timeout": "1m"},
              {"job_id": "clean", "command": "x", "timeout": "1m"},
              {"job_id": "split", "command": "x", "timeout": "1m"},
              {"job_id": "train", "command": "x", "timeout": "soon"}
            ]}
            """,
            "5:50: jobs[3] (\"train\").timeout: invalid duration \"soon\" (use Go syntax such as \"90s\", \"5m\", \"1h30m\")"
        },

        // ---- the dependency graph
        {
            "duplicate job ids",
            """
            {"jobs": [
              {"job_id": "a", "command": "x", "timeout": "1m"},
              {"job_id": "a", "command": "y", "timeout": "1m"}
            ]}
            """,
            "3:14: duplicate job_id \"a\": jobs[0] already uses it"
        },
        {
            "a dependency on a job that does not exist",
            """
            {"jobs": [
              {"job_id": "preprocess", "command": "x", "timeout": "1m"},
              {"job_id": "train", "command": "y", "timeout": "1m", "depends_on": ["preproces"]}
            ]}
            """,
            "3:71: jobs[1].depends_on[0]: job \"train\" depends on \"preproces\", which is not a job in this queue; did you mean \"preprocess\"?"
        },
        {
            "a job that depends on itself",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m", "depends_on": ["a"]}]}""",
            "1:75: jobs[0].depends_on[0]: job \"a\" depends on itself"
        },
        {
            "the same dependency listed twice",
            """{"jobs": [{"job_id": "a", "command": "x", "timeout": "1m"}, {"job_id": "b", "command": "x", "timeout": "1m", "depends_on": ["a", "a"]}]}""",
            "1:130: jobs[1] (\"b\").depends_on[1]: \"a\" is already listed in depends_on"
        },
        {
            "two jobs that depend on each other",
            """
            {"jobs": [
              {"job_id": "a", "command": "x", "timeout": "1m", "depends_on": ["b"]},
              {"job_id": "b", "command": "x", "timeout": "1m", "depends_on": ["a"]}
            ]}
            """,
            "3:67: jobs[1] (\"b\").depends_on[0]: circular dependency: a -> b -> a (each job depends on the next)"
        },
        {
            "a three-job cycle",
            """
            {"jobs": [
              {"job_id": "extract", "command": "x", "timeout": "1m", "depends_on": ["load"]},
              {"job_id": "transform", "command": "x", "timeout": "1m", "depends_on": ["extract"]},
              {"job_id": "load", "command": "x", "timeout": "1m", "depends_on": ["transform"]}
            ]}
            """,
            "3:75: jobs[1] (\"transform\").depends_on[0]: circular dependency: extract -> load -> transform -> extract (each job depends on the next)"
        },
        {
            "two separate cycles",
            """
            {"jobs": [
              {"job_id": "a", "command": "x", "timeout": "1m", "depends_on": ["b"]},
              {"job_id": "b", "command": "x", "timeout": "1m", "depends_on": ["a"]},
              {"job_id": "c", "command": "x", "timeout": "1m", "depends_on": ["d"]},
              {"job_id": "d", "command": "x", "timeout": "1m", "depends_on": ["c"]}
            ]}
            """,
            "3:67: jobs[1] (\"b\").depends_on[0]: circular dependency: a -> b -> a (each job depends on the next)\n" +
            "5:67: jobs[3] (\"d\").depends_on[0]: circular dependency: c -> d -> c (each job depends on the next)"
        },

        // ---- many problems at once, in file order
        {
            "every problem of a file in one pass",
            """
            {
              "on_failure": "abort",
              "jobs": [
                {"job_id": "a", "command": "", "timeout": "1d"},
                {"job_id": "b", "timeout": "1m", "depends_on": ["zzz"], "retry": {"max_attempts": 0}}
              ]
            }
            """,
            "2:17: on_failure must be \"stop\" or \"continue\", found \"abort\"\n" +
            "4:32: jobs[0] (\"a\").command must not be empty\n" +
            "4:47: jobs[0] (\"a\").timeout: invalid duration \"1d\" (use Go syntax such as \"90s\", \"5m\", \"1h30m\")\n" +
            "5:5: jobs[1] (\"b\") is missing required field \"command\"\n" +
            "5:53: jobs[1].depends_on[0]: job \"b\" depends on \"zzz\", which is not a job in this queue\n" +
            "5:87: jobs[1] (\"b\").retry.max_attempts must be at least 1, found 0"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_queue_file_is_rejected_with_every_problem_at_its_line_and_column(string mistake, string json, string expected)
    {
        Assert.False(string.IsNullOrEmpty(mistake));
        Assert.Equal(expected, string.Join("\n", Parse.Errors(json)));
    }
}
