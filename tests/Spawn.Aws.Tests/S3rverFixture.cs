using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.S3;
using Spawn.Aws;

namespace Spawn.Aws.Tests;

/// <summary>
/// A real S3-compatible server (npm s3rver, installed by <c>scripts/s3rver.sh install</c>) on a free loopback port
/// with its data in a temporary directory. Stop and start it again on the same port and data to simulate an outage.
/// </summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(20);
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("s3rver-").FullName;
    private Process? server;

    public S3rverFixture()
    {
        // The store under test takes credentials from the SDK's standard chain; s3rver accepts exactly these.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "S3RVER");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "S3RVER");
        Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        Port = FreePort();
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>The variables a child process (spawn, spored) needs to reach this server through the standard chain.</summary>
    public IReadOnlyDictionary<string, string> ChildEnvironment => new Dictionary<string, string>
    {
        ["AWS_ENDPOINT_URL"] = Endpoint,
        ["AWS_ACCESS_KEY_ID"] = "S3RVER",
        ["AWS_SECRET_ACCESS_KEY"] = "S3RVER",
        ["AWS_REGION"] = "us-east-1",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

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

    public AmazonS3Client CreateClient() => S3ClientFactory.Create("us-east-1", Endpoint);

    /// <summary>Creates a fresh bucket with a unique name, so tests sharing the server do not see each other.</summary>
    public async Task<string> CreateBucketAsync()
    {
        var name = $"test-{Guid.NewGuid():N}"[..30];
        using var client = CreateClient();
        await client.PutBucketAsync(name);
        return name;
    }

    public Task InitializeAsync() => StartAsync();

    public async Task DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    public async Task StartAsync()
    {
        if (server is { HasExited: false })
        {
            return;
        }

        var script = Path.Combine(RepositoryRoot, ".tools", "s3rver", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"s3rver is not installed ({script} is missing): run scripts/s3rver.sh install");
        }

        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { script, "--address", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--directory", dataDirectory, "--silent" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        server = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        server.OutputDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        var errors = server.StandardError.ReadToEndAsync();

        var deadline = DateTime.UtcNow + StartDeadline;
        while (!await AnswersAsync())
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"s3rver exited with code {server.ExitCode}: {await errors}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"s3rver did not answer on {Endpoint} within {StartDeadline.TotalSeconds} s");
            }

            await Task.Delay(50);
        }
    }

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

    private async Task<bool> AnswersAsync()
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
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

[CollectionDefinition(Name)]
public sealed class S3rverCollection : ICollectionFixture<S3rverFixture>
{
    public const string Name = "s3rver";
}
