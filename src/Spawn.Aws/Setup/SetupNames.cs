namespace Spawn.Aws.Setup;

/// <summary>
/// The names <c>spawn setup</c> is given, checked before anything is asked of AWS, so a typo is one clear line
/// (exit 2) rather than half a setup. Each check returns null when the name is fine, else what is wrong.
/// </summary>
public static class SetupNames
{
    /// <summary>The bucket <c>spawn launch</c> and <c>spawn queue status</c> fall back to in a region.</summary>
    public static string DefaultBucket(string region) => $"spawn-results-{region}";

    /// <summary>S3's general-purpose bucket rules: 3-63 of a-z 0-9 . -, a letter or digit at both ends, no "..", no IP address.</summary>
    public static string? BucketProblem(string bucket)
    {
        const string rule = "3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit";
        if (bucket.Length is < 3 or > 63
            || !IsLowerAlphanumeric(bucket[0])
            || !IsLowerAlphanumeric(bucket[^1])
            || !bucket.All(c => IsLowerAlphanumeric(c) || c is '.' or '-'))
        {
            return $"bucket name \"{bucket}\" is not valid: {rule}";
        }

        if (bucket.Contains("..", StringComparison.Ordinal) || (System.Net.IPAddress.TryParse(bucket, out _) && bucket.Count(c => c == '.') == 3))
        {
            return $"bucket name \"{bucket}\" is not valid: no two dots in a row, and not an IP address";
        }

        return null;
    }

    /// <summary>IAM's rule for role and instance-profile names: 1-64 of letters, digits and <c>+=,.@_-</c>.</summary>
    public static string? RoleProblem(string role) =>
        role.Length is >= 1 and <= 64 && role.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '=' or ',' or '.' or '@' or '_' or '-')
            ? null
            : $"role name \"{role}\" is not valid: 1-64 letters, digits or +=,.@_-";

    private static bool IsLowerAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
}
