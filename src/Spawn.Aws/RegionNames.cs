namespace Spawn.Aws;

/// <summary>
/// The shape of an AWS region name (<c>us-east-1</c>, <c>us-gov-west-1</c>, <c>ap-southeast-4</c>). The SDK takes
/// any string and fails only later, with a DNS error about a host that does not exist; a typo should be one line.
/// </summary>
public static class RegionNames
{
    /// <summary>Null when <paramref name="region"/> looks like a region name, else what is wrong with it.</summary>
    public static string? Problem(string region)
    {
        var parts = region.Split('-');
        var valid = parts.Length >= 3
            && parts[..^1].All(p => p.Length > 0 && p.All(char.IsAsciiLetterLower))
            && parts[^1].Length > 0 && parts[^1].All(char.IsAsciiDigit);
        return valid ? null : $"region \"{region}\" is not an AWS region name (like us-east-1)";
    }
}
