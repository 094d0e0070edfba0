namespace Spawn.Core.Parsing;

/// <summary>
/// The JSON Schema of queue files, for editors (<c>spawn queue schema</c>; committed as schema/queue.schema.json,
/// which a test keeps identical). The parser stays the authority: it also checks ids, cycles and durations.
/// </summary>
public static class QueueSchema
{
    public const string Json = """
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "$id": "https://github.com/spawn/spawn/schema/queue.schema.json",
      "title": "spawn batch queue",
      "description": "A queue of shell jobs run in dependency order, one at a time unless max_parallel says more (spawn queue validate checks more: ids, cycles, durations).",
      "type": "object",
      "additionalProperties": false,
      "required": ["jobs"],
      "properties": {
        "$schema": { "type": "string" },
        "queue_id": { "$ref": "#/$defs/id", "description": "Unique id; generated as queue-YYYYMMDD-HHMMSS (UTC) when absent." },
        "queue_name": { "type": "string", "minLength": 1, "description": "Human-readable name; defaults to queue_id." },
        "jobs": {
          "type": "array",
          "minItems": 1,
          "items": { "$ref": "#/$defs/job" }
        },
        "global_timeout": { "$ref": "#/$defs/duration", "description": "Limit for the whole queue, counted from its first start across resumes; none when absent." },
        "on_failure": { "enum": ["stop", "continue"], "default": "stop" },
        "result_s3_bucket": { "type": "string", "minLength": 1, "pattern": "^[^/]+$", "description": "S3 bucket for results; a local directory when absent." },
        "result_s3_prefix": { "type": "string", "description": "Key prefix; defaults to queues/{queue_id}." },
        "kill_grace": { "$ref": "#/$defs/duration", "description": "Time between SIGTERM and SIGKILL (default 30s)." },
        "max_parallel": {
          "oneOf": [{ "type": "integer", "minimum": 1 }, { "const": "auto" }],
          "default": 1,
          "description": "How many jobs may run at once; \"auto\" is the machine's CPU count. --parallel N overrides it."
        }
      },
      "$defs": {
        "id": {
          "type": "string",
          "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
        },
        "duration": {
          "type": "string",
          "description": "A Go duration such as 90s, 5m, 1.5h or 1h30m (units ns, us, µs, ms, s, m, h).",
          "pattern": "^[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$"
        },
        "exitCodes": {
          "type": "array",
          "items": { "type": "integer", "minimum": 1, "maximum": 255 }
        },
        "job": {
          "type": "object",
          "additionalProperties": false,
          "required": ["job_id", "command", "timeout"],
          "properties": {
            "job_id": { "$ref": "#/$defs/id" },
            "command": { "type": "string", "minLength": 1, "description": "Run as /bin/bash -c COMMAND." },
            "timeout": { "$ref": "#/$defs/duration", "description": "Limit per attempt." },
            "depends_on": {
              "type": "array",
              "uniqueItems": true,
              "items": { "$ref": "#/$defs/id" }
            },
            "env": {
              "type": "object",
              "propertyNames": { "pattern": "^[A-Za-z_][A-Za-z0-9_]*$" },
              "additionalProperties": { "type": "string" }
            },
            "retry": { "$ref": "#/$defs/retry" },
            "result_paths": {
              "type": "array",
              "items": { "type": "string", "minLength": 1 },
              "description": "Files to collect after the job completes: absolute paths or globs (*, ?, **)."
            },
            "kill_grace": { "$ref": "#/$defs/duration" },
            "cpus": { "type": "integer", "minimum": 1, "description": "CPU slots the job holds while it runs (the machine's CPUs are the slots)." },
            "gpus": { "type": "integer", "minimum": 0, "description": "GPUs the job holds while it runs, its own in CUDA_VISIBLE_DEVICES; 0 hides every GPU from it." }
          }
        },
        "retry": {
          "type": "object",
          "additionalProperties": false,
          "required": ["max_attempts"],
          "properties": {
            "max_attempts": { "type": "integer", "minimum": 1, "description": "Total attempts, including the first." },
            "backoff": { "enum": ["exponential", "fixed", "exponential-jitter"], "default": "exponential" },
            "base_delay": { "$ref": "#/$defs/duration", "description": "First exponential wait (default 1s) or the fixed wait (default 5s)." },
            "max_delay": { "$ref": "#/$defs/duration", "description": "Cap on the wait (default 5m)." },
            "jitter": { "type": "number", "minimum": 0, "maximum": 1, "description": "Spread the wait uniformly within ±jitter·delay." },
            "retry_on_codes": { "$ref": "#/$defs/exitCodes", "description": "Only these exit codes retry." },
            "dont_retry_on_codes": { "$ref": "#/$defs/exitCodes", "description": "These exit codes never retry (wins over retry_on_codes)." }
          }
        }
      }
    }
    """;
}
