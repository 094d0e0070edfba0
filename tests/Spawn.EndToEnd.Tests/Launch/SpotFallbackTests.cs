using System.Diagnostics;
using System.Text.Json;
using Spawn.Tests.Shared;

namespace Spawn.EndToEnd.Tests.Launch;

/// <summary>
/// What spawn launch --spot does when EC2 says no, which moto never does: a small proxy before moto's EC2
/// (tests/Shared/ec2_refusing_proxy.py) answers RunInstances with EC2's error, everything else goes through.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class SpotFallbackTests(MotoServer moto) : IAsyncLifetime
{
    private readonly LaunchWorkspace launch = new(moto);
    private Process? proxy;

    public Task InitializeAsync() => launch.PrepareAccountAsync();

    public async Task DisposeAsync()
    {
        if (proxy is { HasExited: false })
        {
            proxy.Kill();
            await proxy.WaitForExitAsync();
        }

        proxy?.Dispose();
        launch.Dispose();
    }

    [Fact]
    public async Task With_no_spot_capacity_spot_fallback_on_demand_launches_on_demand_and_says_so()
    {
        await StartProxyAsync("spot-capacity");
        var refused = await launch.LaunchAsync(launch.Queue(), "t3.medium", "--spot", "--json");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("EC2 has no capacity for this instance type here right now", refused.Stderr);
        Assert.Contains("--spot-fallback on-demand", refused.Stderr);
        Assert.Empty(await launch.KeysAsync()); // the upload taken back

        var launched = await launch.LaunchAsync(launch.Queue(), "t3.medium", "--spot", "--spot-fallback", "on-demand", "--json");

        Assert.True(launched.ExitCode == 0, launched.ToString());
        Assert.StartsWith("no spot capacity (InsufficientInstanceCapacity): launched on-demand", JsonDocument.Parse(launched.Stdout).RootElement.GetProperty("on_demand_instead").GetString());
        var instance = await launch.InstanceAsync(LaunchWorkspace.InstanceIdFrom(launched));
        Assert.False(instance.TryGetProperty("InstanceLifecycle", out var lifeCycle) && lifeCycle.GetString() == "spot");
    }

    [Fact]
    public async Task Where_EC2_refuses_stop_on_interruption_the_launch_falls_back_to_a_one_time_request_and_says_so()
    {
        await StartProxyAsync("stop-behaviour");

        var launched = await launch.LaunchAsync(launch.Queue(), "t3.medium", "--spot");

        Assert.True(launched.ExitCode == 0, launched.ToString());
        Assert.Contains("note:     t3.medium cannot be stopped on interruption (The stop interruption behavior is not supported for this instance type.): "
            + "a one-time spot request instead", launched.Stdout);
        var id = launched.Stdout.Split(' ')[4];
        Assert.Equal("spot", (await launch.InstanceAsync(id)).GetProperty("InstanceLifecycle").GetString());
    }

    private async Task StartProxyAsync(string refuse)
    {
        var port = ImdsStub.FreePort();
        proxy = Process.Start(new ProcessStartInfo("python3")
        {
            ArgumentList = { Path.Combine(MotoServer.RepositoryRoot, "tests", "Shared", "ec2_refusing_proxy.py"), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--upstream", moto.Endpoint, "--refuse", refuse },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        Assert.Equal("ready", await proxy.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        proxy.ErrorDataReceived += (_, _) => { };
        proxy.BeginErrorReadLine();
        launch.Files.Environment["AWS_ENDPOINT_URL_EC2"] = $"http://127.0.0.1:{port}";
    }
}
