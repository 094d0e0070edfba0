namespace Spawn.Storage;

/// <summary>One path segment of a result pattern against one file name: <c>*</c> any run of characters, <c>?</c> one.</summary>
internal static class GlobSegment
{
    public static bool Matches(string segment, string name)
    {
        // The classic two-pointer match: on a mismatch, let the last * swallow one more character and try again.
        int s = 0, n = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            if (s < segment.Length && (segment[s] == '?' || segment[s] == name[n]) && segment[s] != '*')
            {
                s++;
                n++;
            }
            else if (s < segment.Length && segment[s] == '*')
            {
                star = s++;
                resume = n;
            }
            else if (star >= 0)
            {
                s = star + 1;
                n = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (s < segment.Length && segment[s] == '*')
        {
            s++;
        }

        return s == segment.Length;
    }
}
