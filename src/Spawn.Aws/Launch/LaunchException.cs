namespace Spawn.Aws.Launch;

/// <summary>A launch that cannot go ahead; the message is the one line the user reads, the exit code 1 or 2.</summary>
public sealed class LaunchException(string message, int exitCode, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>A mistake in what the user gave (exit 2): nothing was created.</summary>
    public static LaunchException BadInput(string message) => new(message, 2);

    /// <summary>AWS said no or could not be reached (exit 1).</summary>
    public static LaunchException Aws(string what, Exception inner) => new($"{what}: {AwsErrorText.Describe(inner)}", 1, inner);
}
