namespace Spawn.Hosting;

/// <summary>
/// The one top-level guard of <c>spawn</c> and <c>spored</c>: an exception nothing else handled is a crash of the
/// program, not "the queue failed" (1) nor "bad input" (2). It is said in one line and ends the process with
/// <see cref="ExitCode"/>, which systemd's <c>Restart=on-failure</c> restarts (the unit prevents a restart only for 1
/// and 2), so the agent comes back and resumes the queue. The run has saved its state as far as it could by then.
/// </summary>
public static class CrashGuard
{
    /// <summary>EX_SOFTWARE (sysexits.h): an internal software error.</summary>
    public const int ExitCode = 70;

    /// <summary>Set to 1 to have the full exception, stack trace included, printed after the line.</summary>
    public const string DebugVariable = "SPAWN_DEBUG";

    public static async Task<int> RunAsync(string program, Func<Task<int>> main, TextWriter errors)
    {
        try
        {
            return await main().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            errors.WriteLine(
                $"{program}: internal error: {Describe(e)} (exit {ExitCode}; the state was saved as far as possible: run the same command again to resume; "
                + $"{DebugVariable}=1 shows the details)");
            if (Environment.GetEnvironmentVariable(DebugVariable) == "1")
            {
                errors.WriteLine(e);
            }

            errors.Flush();
            return ExitCode;
        }
    }

    /// <summary>The message of the exception and of what caused it, on one line.</summary>
    private static string Describe(Exception e)
    {
        var text = $"{e.GetType().Name}: {e.Message}";
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            text += $" ({inner.Message})";
        }

        return text.ReplaceLineEndings(" ");
    }
}
