using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Spawn.Tests.Shared;

/// <summary>
/// tests/Shared/imds_stub.py on a free loopback port: the instance metadata service of a pretend EC2 instance. Point a
/// child process at it with <c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c> (<see cref="ChildEnvironment"/>).
/// </summary>
public sealed class ImdsStub : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(20);
    private readonly Process process;
    private readonly List<string> requests = [];

    private ImdsStub(Process process, int port)
    {
        this.process = process;
        Port = port;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (requests)
                {
                    requests.Add(line);
                }
            }
        };
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public IReadOnlyDictionary<string, string> ChildEnvironment => new Dictionary<string, string>
    {
        ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = Endpoint,
        ["AWS_EC2_METADATA_DISABLED"] = "false",
    };

    /// <summary>The stub's log so far: one line per request, <c>imds-stub: GET /latest/… HTTP/1.1 -> 200</c>.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (requests)
            {
                return [.. requests];
            }
        }
    }

    /// <summary>The log once it holds at least <paramref name="count"/> lines: the stub writes each as it answers, and it
    /// reaches this process a moment later.</summary>
    public async Task<IReadOnlyList<string>> RequestsAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Requests.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        return Requests;
    }

    public static string Script { get; } = FindScript();

    /// <param name="extra">More arguments, e.g. <c>--life-cycle spot</c> or a role with its credentials.</param>
    public static async Task<ImdsStub> StartAsync(string instanceId, string region, string instanceType, params string[] extra)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("python3")
        {
            ArgumentList =
            {
                Script, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
                "--instance-id", instanceId, "--region", region, "--instance-type", instanceType,
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in extra)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var ready = process.StandardOutput.ReadLineAsync();
        var stub = new ImdsStub(process, port);
        if (await Task.WhenAny(ready, Task.Delay(StartDeadline)) != ready || await ready != "ready")
        {
            await stub.DisposeAsync();
            throw new InvalidOperationException($"the IMDS stub did not start on port {port}: {string.Join('\n', stub.Requests)}");
        }

        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "tests", "Shared", "imds_stub.py");
            if (File.Exists(script))
            {
                return script;
            }
        }

        throw new FileNotFoundException($"tests/Shared/imds_stub.py not found above {AppContext.BaseDirectory}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
