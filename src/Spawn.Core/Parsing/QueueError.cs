namespace Spawn.Core.Parsing;

/// <summary>
/// One problem in a queue file. <paramref name="Line"/> and <paramref name="Column"/> are 1-based (column in
/// characters); <paramref name="Path"/> is the JSON path of the offending value, e.g. <c>jobs[2].retry.max_attempts</c>
/// (empty for the file as a whole).
/// </summary>
public sealed record QueueError(int Line, int Column, string Path, string Message)
{
    /// <summary>The compiler-style line editors and terminals link to: <c>FILE:LINE:COL: error: MESSAGE</c>.</summary>
    public string Format(string fileName) => $"{fileName}:{Line}:{Column}: error: {Message}";

    public string ToString(string fileName) => Format(fileName);
}
