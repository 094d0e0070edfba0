namespace Spawn.Aws.Setup;

/// <summary>What <c>spawn setup</c> found or did for one part: <c>bucket spawn-results-us-east-1: created in us-east-1</c>.</summary>
public sealed record SetupOutcome(string Part, SetupChange Change, string? Detail = null)
{
    public override string ToString() => $"{Part}: {Word}{(Detail is null ? "" : " " + Detail)}";

    private string Word => Change switch
    {
        SetupChange.Created => "created",
        SetupChange.Added => "added",
        SetupChange.Updated => "updated",
        _ => "already there",
    };
}

/// <summary>A part was there already (nothing done), made now, put into another (a role into a profile), or brought up to date.</summary>
public enum SetupChange
{
    AlreadyThere,
    Created,
    Added,
    Updated,
}

/// <summary>AWS refused or failed a step of the setup; the message is one line that says which and why.</summary>
public sealed class SetupException(string message, Exception? inner = null) : Exception(message, inner);
