using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace Spawn.Tests.Shared;

/// <summary>
/// moto (<c>moto_server</c>, Python) in server mode on a free loopback port: one emulator for every AWS service the
/// tests use (S3, EC2, SSM, IAM), with instance type, AMI and key pair validation on. Data lives in the server's
/// memory only: <see cref="StopAsync"/> then <see cref="StartAsync"/> brings it back on the same port, empty.
/// <para>
/// The test process gets the credentials, region and (for the first server that runs) <c>AWS_ENDPOINT_URL</c>, so SDK
/// clients built from the standard chains reach moto and never AWS. Servers of collections that run side by side are
/// separate processes; a test whose collection may run beside another server's passes <see cref="Endpoint"/>
/// explicitly or uses <see cref="CreateClient"/>, because a process has only one environment.
/// </para>
/// </summary>
public sealed class MotoServer : IAsyncLifetime
{
    public const string AccessKeyId = "testing";
    public const string SecretAccessKey = "testing";
    public const string Region = "us-east-1";

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CliDeadline = TimeSpan.FromMinutes(2);

    /// <summary>Servers of this process that are running (or stopped for a restart), the first one named by AWS_ENDPOINT_URL.</summary>
    private static readonly List<MotoServer> Live = [];
    private static readonly Lock LiveGate = new();

    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Queue<string> serverLog = new();
    private Process? server;

    public MotoServer()
    {
        // The code under test takes credentials and region from the SDK's standard chain; moto accepts any.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", AccessKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", SecretAccessKey);
        Environment.SetEnvironmentVariable("AWS_REGION", Region);
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        Port = FreePort();
    }

    /// <summary>Kept across <see cref="StopAsync"/> / <see cref="StartAsync"/>, so clients made before a restart still reach it.</summary>
    public int Port { get; private set; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>The variables a child process (spawn, spored, aws) needs to reach this server through the standard chains.</summary>
    public IReadOnlyDictionary<string, string> ChildEnvironment => new Dictionary<string, string>
    {
        ["AWS_ENDPOINT_URL"] = Endpoint,
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
        ["AWS_REGION"] = Region,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    /// <summary>The folder holding Spawn.slnx.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Spawn.slnx")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"Spawn.slnx not found above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>A plain SDK client for this server (path-style addressing, the SDK's defaults otherwise).</summary>
    public AmazonS3Client CreateClient() => new(
        new BasicAWSCredentials(AccessKeyId, SecretAccessKey),
        new AmazonS3Config { ServiceURL = Endpoint, ForcePathStyle = true, AuthenticationRegion = Region });

    /// <summary>Creates a fresh bucket with a unique name, so tests sharing the server do not see each other.</summary>
    public async Task<string> CreateBucketAsync()
    {
        var name = $"test-{Guid.NewGuid():N}"[..30];
        using var client = CreateClient();
        await client.PutBucketAsync(name);
        return name;
    }

    /// <summary>Forgets everything the server holds, in every service (moto's <c>POST /moto-api/reset</c>).</summary>
    public async Task ResetAsync()
    {
        using var response = await http.PostAsync($"{Endpoint}/moto-api/reset", content: null);
        response.EnsureSuccessStatusCode();
    }

    public Task InitializeAsync() => StartAsync();

    public async Task DisposeAsync()
    {
        await StopAsync();
        lock (LiveGate)
        {
            Live.Remove(this);
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", Live.FirstOrDefault()?.Endpoint);
        }

        http.Dispose();
    }

    /// <summary>Starts the server (again, on the same port, with no data) and returns once it answers.</summary>
    public async Task StartAsync()
    {
        if (server is { HasExited: false })
        {
            return;
        }

        var firstStart = !IsLive();
        for (var attempt = 1; ; attempt++)
        {
            server = Launch();
            try
            {
                await WaitUntilAnsweringAsync(server);
                break;
            }
            catch (PortTakenException) when (firstStart && attempt < 3)
            {
                // Another process took the free port between our look and moto's bind; nothing has seen this one yet.
                await StopAsync();
                Port = FreePort();
            }
        }

        lock (LiveGate)
        {
            if (!Live.Contains(this))
            {
                Live.Add(this);
            }

            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", Live[0].Endpoint);
        }
    }

    /// <summary>Kills the server; its data is gone. The port stays this server's for <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (server is null)
        {
            return;
        }

        if (!server.HasExited)
        {
            server.Kill(entireProcessTree: true);
        }

        await server.WaitForExitAsync();
        server.Dispose();
        server = null;
    }

    /// <summary>Runs the <c>aws</c> CLI against this server and returns its standard output (JSON unless asked otherwise).</summary>
    /// <exception cref="InvalidOperationException">The CLI exited non-zero; the message holds its standard error.</exception>
    public async Task<string> AwsCliAsync(params string[] args)
    {
        var result = await TryAwsCliAsync(args);
        return result.ExitCode == 0
            ? result.Stdout
            : throw new InvalidOperationException($"aws {string.Join(' ', args)} exited with code {result.ExitCode}: {result.Stderr.Trim()}");
    }

    /// <summary>Runs the <c>aws</c> CLI against this server; a refusal is a result (exit code, error code), not an exception.</summary>
    public async Task<Spawn.Aws.Setup.AwsCliResult> TryAwsCliAsync(params string[] args)
    {
        var start = new ProcessStartInfo("aws")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Service-specific endpoints and profiles inherited from the test process would win over this server.
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("AWS_ENDPOINT_URL_", StringComparison.Ordinal) || k == "AWS_PROFILE").ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (key, value) in ChildEnvironment)
        {
            start.Environment[key] = value;
        }

        // AWS CLI v1 reads the region only from AWS_DEFAULT_REGION.
        start.Environment["AWS_DEFAULT_REGION"] = Region;
        start.Environment["AWS_DEFAULT_OUTPUT"] = "json";
        start.Environment["AWS_PAGER"] = "";

        using var cli = StartProcess(start, "aws", "the AWS CLI");
        cli.StandardInput.Close();
        var stdout = cli.StandardOutput.ReadToEndAsync();
        var stderr = cli.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(CliDeadline);
        try
        {
            await cli.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            cli.Kill(entireProcessTree: true);
            throw new TimeoutException($"aws {string.Join(' ', args)} did not finish within {CliDeadline.TotalSeconds} s");
        }

        return new Spawn.Aws.Setup.AwsCliResult(cli.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// moto_server under a small bash guard that holds the test process's pipe on its standard input: when the test
    /// process ends in any way, even killed, the pipe closes and the guard takes moto with it.
    /// </summary>
    private Process Launch()
    {
        var start = new ProcessStartInfo("/bin/bash")
        {
            ArgumentList =
            {
                "-c",
                """
                moto_server -H 127.0.0.1 -p "$1" & moto=$!
                { read -r _; kill "$moto" 2>/dev/null; } <&0 >/dev/null 2>&1 &
                wait "$moto"
                """,
                "moto-guard",
                Port.ToString(CultureInfo.InvariantCulture),
            },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION"] = "true";
        start.Environment["MOTO_ENABLE_AMI_VALIDATION"] = "true";
        start.Environment["MOTO_ENABLE_KEYPAIR_VALIDATION"] = "true";
        lock (serverLog)
        {
            serverLog.Clear();
        }

        var process = StartProcess(start, "/bin/bash", "bash");
        // moto logs every request: keep reading (a full pipe would stall it) and keep the tail for error messages.
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilAnsweringAsync(Process process)
    {
        var deadline = DateTime.UtcNow + StartDeadline;
        while (!await AnswersAsync())
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(); // the last lines of output
                var log = LogTail();
                if (process.ExitCode == 127 || log.Contains("moto_server: command not found", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"moto_server is not on PATH: run scripts/moto.sh check. {log}");
                }

                if (log.Contains("Address already in use", StringComparison.Ordinal))
                {
                    throw new PortTakenException(log);
                }

                throw new InvalidOperationException($"moto_server exited with code {process.ExitCode}: {log}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"moto_server did not answer on {Endpoint} within {StartDeadline.TotalSeconds} s: {LogTail()}");
            }

            await Task.Delay(50);
        }
    }

    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var response = await http.GetAsync($"{Endpoint}/moto-api/config");
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private bool IsLive()
    {
        lock (LiveGate)
        {
            return Live.Contains(this);
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (serverLog)
        {
            serverLog.Enqueue(line);
            while (serverLog.Count > 40)
            {
                serverLog.Dequeue();
            }
        }
    }

    private string LogTail()
    {
        lock (serverLog)
        {
            return string.Join('\n', serverLog);
        }
    }

    private static Process StartProcess(ProcessStartInfo start, string program, string what)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"{what} did not start");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{program} could not be started ({e.Message}): run scripts/moto.sh check", e);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class PortTakenException(string log) : Exception(log);
}

/// <summary>One moto server shared by the tests of a collection; each collection that runs in parallel gets its own.</summary>
[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServer>
{
    public const string Name = "moto";
}
