using System.Diagnostics;
using System.Text.Json;

namespace Spawn.EndToEnd.Tests;

/// <summary>
/// A page as headless Chromium shows it, through scripts/chromium_page.py (the DevTools protocol on a pipe): the value
/// of a DOM query, the console errors, the requests the page made, and a screenshot.
/// </summary>
internal sealed record ChromiumPage(bool Ready, double? RenderMs, JsonElement Dom, IReadOnlyList<string> ConsoleErrors, IReadOnlyList<string> Requests)
{
    public static async Task<ChromiumPage> LoadAsync(string page, string ready, string query, string screenshot)
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Script(), page, "--ready", ready, "--eval", query, "--screenshot", screenshot, "--timeout", "30" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(limit.Token);
        Assert.True(process.ExitCode == 0, $"chromium_page.py exited {process.ExitCode}: {await stderr}");
        var result = JsonDocument.Parse(await stdout).RootElement;
        return new ChromiumPage(
            result.GetProperty("ready").GetBoolean(),
            result.GetProperty("render_ms").ValueKind == JsonValueKind.Number ? result.GetProperty("render_ms").GetDouble() : null,
            result.GetProperty("dom").Clone(),
            [.. result.GetProperty("console_errors").EnumerateArray().Select(e => e.GetString()!)],
            [.. result.GetProperty("requests").EnumerateArray().Select(e => e.GetString()!)]);
    }

    /// <summary>Where screenshots are kept after the run: artifacts/test-screenshots/ at the repository's root.</summary>
    public static string ArtifactPath(string name)
    {
        var directory = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Script()))!, "artifacts", "test-screenshots");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }

    private static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "scripts", "chromium_page.py");
            if (File.Exists(script))
            {
                return script;
            }
        }

        throw new FileNotFoundException($"scripts/chromium_page.py not found above {AppContext.BaseDirectory}");
    }
}
