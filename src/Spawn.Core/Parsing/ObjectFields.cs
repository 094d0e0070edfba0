namespace Spawn.Core.Parsing;

/// <summary>
/// The known fields present in one JSON object (null-valued ones count as absent). A slot per known name rather
/// than a dictionary: objects have at most a handful of fields, and there may be 100,000 of them.
/// </summary>
public readonly struct ObjectFields(IReadOnlyList<string> known, SourceMember?[] slots)
{
    public SourceMember? Get(string name)
    {
        for (var i = 0; i < known.Count; i++)
        {
            if (string.Equals(known[i], name, StringComparison.Ordinal))
            {
                return slots[i];
            }
        }

        throw new ArgumentException($"\"{name}\" is not a known field here", nameof(name));
    }

    public bool Has(string name) => Get(name) is not null;
}
