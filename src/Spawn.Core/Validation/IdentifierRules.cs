namespace Spawn.Core.Validation;

/// <summary>
/// The character rules for names that become file names, S3 keys and environment variables.
/// Hand-written rather than regular expressions: they run once per job on 100,000-job files.
/// </summary>
public static class IdentifierRules
{
    public const int MaxIdLength = 128;

    public const string IdRuleText = "1-128 letters, digits, '.', '_' or '-', starting with a letter or digit";

    /// <summary><c>^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$</c> — for queue_id and job_id.</summary>
    public static bool IsValidId(string id)
    {
        if (id.Length is 0 or > MaxIdLength || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>^[A-Za-z_][A-Za-z0-9_]*$</c> — a name bash can export.</summary>
    public static bool IsValidEnvName(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Variables the runner sets for every attempt; a job's <c>env</c> cannot override them.</summary>
    public static readonly IReadOnlyList<string> ReservedEnvNames = ["JOB_ID", "JOB_ATTEMPT", "QUEUE_ID"];
}
