using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Spawn.Aws.Setup;

namespace Spawn.EndToEnd.Tests;

/// <summary>
/// moto (<c>moto_server</c>) on a free loopback port: EC2, S3, SSM and IAM as one emulator, with the AWS CLI as a
/// client independent of the code under test. A stand-in with the same members as the shared fixture
/// (Spawn.Tests.Shared.MotoServer, tests/Shared) until that one is on main: switching is a rename.
/// </summary>
public sealed class MotoServer : IAsyncLifetime
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Process? server;

    public int Port { get; } = FreePort();

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>What a child process (spawn, aws) needs to reach this server through the standard chains.</summary>
    public IReadOnlyDictionary<string, string> ChildEnvironment => new Dictionary<string, string>
    {
        ["AWS_ENDPOINT_URL"] = Endpoint,
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["AWS_REGION"] = "us-east-1",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    public AmazonS3Client CreateClient() => new(
        new BasicAWSCredentials("testing", "testing"),
        new AmazonS3Config { ServiceURL = Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    /// <summary>A fresh bucket with a unique name.</summary>
    public async Task<string> CreateBucketAsync()
    {
        var name = $"test-{Guid.NewGuid():N}"[..30];
        using var client = CreateClient();
        await client.PutBucketAsync(name);
        return name;
    }

    /// <summary>Forgets every resource of every service: each test starts from an empty account.</summary>
    public async Task ResetAsync()
    {
        using var response = await http.PostAsync($"{Endpoint}/moto-api/reset", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Runs <c>aws ARGS</c> against this server (the CLI v1 reads its region only from AWS_DEFAULT_REGION).</summary>
    public async Task<AwsCliResult> AwsCliAsync(params string[] args)
    {
        var start = new ProcessStartInfo("aws") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in ChildEnvironment)
        {
            start.Environment[key] = value;
        }

        start.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        start.Environment["AWS_PAGER"] = "";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);
        return new AwsCliResult(process.ExitCode, await stdout, await stderr);
    }

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("moto_server")
        {
            ArgumentList = { "-H", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION"] = "true",
                ["MOTO_ENABLE_AMI_VALIDATION"] = "true",
                ["MOTO_ENABLE_KEYPAIR_VALIDATION"] = "true",
            },
        };
        server = Process.Start(start) ?? throw new InvalidOperationException("moto_server did not start");
        // Its request log is noise here; read it so the pipe never fills.
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + StartDeadline;
        while (!await AnswersAsync())
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with code {server.ExitCode}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"moto_server did not answer on {Endpoint} within {StartDeadline.TotalSeconds} s");
            }

            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
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
    }

    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var response = await http.GetAsync($"{Endpoint}/moto-api/");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
