namespace Spawn.Core.Parsing;

/// <summary>
/// A JSON value as it appeared in the file, with the byte offset of its first character, so every error can point
/// at a line and column. Kept separate from the model so type checks happen once, with positions at hand.
/// </summary>
public abstract record SourceNode(int Offset)
{
    /// <summary>What the value is, as a user reads it in "expected a string, found number".</summary>
    public abstract string Kind { get; }
}

public sealed record SourceObject(int Offset, IReadOnlyList<SourceMember> Members) : SourceNode(Offset)
{
    public override string Kind => "object";
}

/// <summary>One <c>"name": value</c> pair; duplicates are kept so the mapper can report them.</summary>
public readonly record struct SourceMember(string Name, int NameOffset, SourceNode Value);

public sealed record SourceArray(int Offset, IReadOnlyList<SourceNode> Items) : SourceNode(Offset)
{
    public override string Kind => "array";
}

public sealed record SourceString(int Offset, string Value) : SourceNode(Offset)
{
    public override string Kind => "string";
}

/// <summary>A number kept as written, so "3.0" and "1e9" can be told apart from integers.</summary>
public sealed record SourceNumber(int Offset, string Text) : SourceNode(Offset)
{
    public override string Kind => "number";
}

public sealed record SourceBoolean(int Offset, bool Value) : SourceNode(Offset)
{
    public override string Kind => "boolean";
}

public sealed record SourceNull(int Offset) : SourceNode(Offset)
{
    public override string Kind => "null";
}
