using System.Globalization;
using System.Text;

namespace Spawn.Core.Parsing;

/// <summary>
/// Where a value sits in the file — <c>jobs[2].retry.max_attempts</c>, <c>jobs[0].depends_on[1]</c>, <c>on_failure</c> —
/// held as parts and formatted only when an error needs it: a 100,000-job file would otherwise build a million
/// path strings to report nothing. Queue files are rarely deeper than jobs[J].Block.Field[Index].
/// </summary>
public readonly record struct JsonPath(int Job = -1, string? Block = null, string? Field = null, int Index = -1)
{
    // Spelled out: a struct's parameterless constructor would zero Job and Index rather than use the defaults.
    public static readonly JsonPath Root = new(Job: -1);

    public static JsonPath ForJob(int index) => new(Job: index);

    public bool IsRoot => Job < 0 && Block is null && Field is null && Index < 0;

    /// <summary>The path of a field inside the object at this path.</summary>
    public JsonPath Child(string name) =>
        Index >= 0 || Block is not null ? new JsonPath(Field: $"{this}.{name}") // deeper than queue files go: spell it out
        : Field is null ? this with { Field = name }
        : new JsonPath(Job, Field, name);

    /// <summary>The path of an element of the array at this path.</summary>
    public JsonPath Item(int index) => this with { Index = index };

    /// <summary>"the queue" for the root, otherwise the path.</summary>
    public string Describe() => IsRoot ? "the queue" : ToString();

    public override string ToString()
    {
        var text = new StringBuilder();
        if (Job >= 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"jobs[{Job}]");
        }

        foreach (var part in (ReadOnlySpan<string?>)[Block, Field])
        {
            if (part is not null)
            {
                text.Append(text.Length > 0 ? "." : "").Append(part);
            }
        }

        if (Index >= 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"[{Index}]");
        }

        return text.ToString();
    }

    /// <summary>A top-level field: <c>"on_failure"</c>.</summary>
    public static implicit operator JsonPath(string field) => new(Field: field);
}
