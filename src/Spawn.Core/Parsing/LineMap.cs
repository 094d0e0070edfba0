namespace Spawn.Core.Parsing;

/// <summary>Turns byte offsets into 1-based line and column numbers (columns counted in characters, not bytes).</summary>
public sealed class LineMap
{
    private readonly byte[] _utf8;
    private readonly List<int> _lineStarts = [0];

    public LineMap(byte[] utf8)
    {
        _utf8 = utf8;
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public (int Line, int Column) Position(int offset)
    {
        offset = Math.Clamp(offset, 0, _utf8.Length);
        var index = _lineStarts.BinarySearch(offset);
        var line = index >= 0 ? index : ~index - 1;
        return (line + 1, CharactersBetween(_lineStarts[line], offset) + 1);
    }

    /// <summary>The byte offset of a 0-based line and byte position, as System.Text.Json reports them.</summary>
    public int Offset(long zeroBasedLine, long bytePositionInLine)
    {
        var line = (int)Math.Clamp(zeroBasedLine, 0, _lineStarts.Count - 1);
        return (int)Math.Min(_lineStarts[line] + bytePositionInLine, _utf8.Length);
    }

    // UTF-8 continuation bytes (10xxxxxx) do not start a character.
    private int CharactersBetween(int start, int end)
    {
        var count = 0;
        for (var i = start; i < end; i++)
        {
            if ((_utf8[i] & 0xC0) != 0x80)
            {
                count++;
            }
        }

        return count;
    }
}
