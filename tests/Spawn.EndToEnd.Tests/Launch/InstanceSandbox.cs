using System.Diagnostics;
using System.Text;

namespace Spawn.EndToEnd.Tests.Launch;

/// <summary>
/// A stand-in for a fresh EC2 instance, made of a private mount and network namespace (<c>unshare -m -n</c>, as root):
/// empty tmpfs over the agent's paths, a recorder bind-mounted over <c>systemctl</c> (and so over <c>shutdown</c> and
/// <c>poweroff</c>, its links), the IMDS address 169.254.169.254 on the namespace's own loopback with an IMDSv2 stub,
/// and moto on that loopback. Nothing inside reaches the host's network; everything runs by <c>nsenter</c>.
/// </summary>
internal sealed class InstanceSandbox : IAsyncDisposable
{
    public const int MotoPort = 5000;
    public const string Endpoint = "http://127.0.0.1:5000";
    private static readonly string[] AgentPaths = ["/var/lib/spored", "/var/log/spored", "/usr/local/bin", "/etc/systemd/system"];

    private readonly Process holder;
    private readonly List<Process> services = [];
    private Process? imds;

    private InstanceSandbox(Process holder, int pid, string directory)
    {
        this.holder = holder;
        Pid = pid;
        Directory_ = directory;
    }

    /// <summary>The namespace's first process; <c>nsenter -t</c> joins its namespaces.</summary>
    public int Pid { get; }

    /// <summary>A host directory for the recorder's files and whatever the test wants to hand in.</summary>
    public string Directory_ { get; }

    public string Recorded => Path.Combine(Directory_, "systemctl.log");

    public string RecordedStateAtPowerOff => Path.Combine(Directory_, "state-at-poweroff.log");

    /// <summary>At each power-off, the ids of the spot requests moto then held active or open (one line, tab-separated).</summary>
    public string RecordedSpotRequestsAtPowerOff => Path.Combine(Directory_, "spot-at-poweroff.log");

    /// <summary>The credentials the launching user has in moto (the instance itself gets its own from IMDS).</summary>
    public static IReadOnlyDictionary<string, string> UserEnvironment { get; } = new Dictionary<string, string>
    {
        ["AWS_ENDPOINT_URL"] = Endpoint,
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["AWS_REGION"] = "us-east-1",
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_PAGER"] = "",
    };

    /// <summary>What cloud-init and systemd give the bootstrap and the agent on EC2, plus the emulator's endpoint.</summary>
    public static IReadOnlyDictionary<string, string> InstanceEnvironment { get; } = new Dictionary<string, string>
    {
        ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ["HOME"] = "/root",
        ["AWS_ENDPOINT_URL"] = Endpoint,
    };

    /// <param name="bucket">Where the recorder looks for the state at the moment of a power-off.</param>
    /// <param name="network">Another sandbox whose network (its moto, its 169.254.169.254) this one joins, with a mount
    /// namespace and agent paths of its own: a second, empty instance in the same "account" (<c>spawn queue resume</c>).</param>
    public static async Task<InstanceSandbox> StartAsync(string bucket, string prefix, InstanceSandbox? network = null)
    {
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException("the instance sandbox needs root (unshare -m -n, mounts); CI runs as root");
        }

        var directory = Directory.CreateTempSubdirectory("spawn-instance-").FullName;
        // The agent runs with EC2's PATH, which does not hold the aws CLI of this machine.
        var aws = (await Which("aws")).Trim();
        var recorder = Path.Combine(directory, "systemctl");
        await File.WriteAllTextAsync(recorder, $$"""
            #!/bin/bash
            # Stands in for systemctl, shutdown and poweroff: records every call, and at a power-off what S3 then held.
            echo "$(basename "$0") $*" >> {{directory}}/systemctl.log
            if [[ "$(basename "$0")" == poweroff || "$(basename "$0")" == shutdown || " $* " == *" poweroff "* ]]; then
              AWS_ENDPOINT_URL={{Endpoint}} AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 \
                {{aws}} s3 cp s3://{{bucket}}/{{prefix}}/queue-state.json - 2>/dev/null \
                | sed -n 's/^  "status": "\([a-z]*\)".*/\1/p' >> {{directory}}/state-at-poweroff.log
              AWS_ENDPOINT_URL={{Endpoint}} AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 \
                {{aws}} ec2 describe-spot-instance-requests --filters Name=state,Values=active,open \
                --query 'SpotInstanceRequests[].SpotInstanceRequestId' --output text 2>/dev/null \
                | tr -d '\n' >> {{directory}}/spot-at-poweroff.log; echo >> {{directory}}/spot-at-poweroff.log
            fi
            exit 0

            """.Replace("\r\n", "\n", StringComparison.Ordinal));

        var mounts = string.Join("\n", AgentPaths.Select(p => $"mkdir -p {p} && mount -t tmpfs tmpfs {p}"));
        var addresses = network is null ? "ip link set lo up\nip addr add 169.254.169.254/32 dev lo" : "";
        var setup = $"""
            set -e
            {addresses}
            {mounts}
            chmod 755 {recorder}
            mount --bind {recorder} /usr/bin/systemctl
            echo $$
            exec sleep infinity
            """;
        var info = new ProcessStartInfo(network is null ? "unshare" : "nsenter") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] namespaces = network is null
            ? ["--mount", "--net", "--propagation", "private", "--fork"]
            : ["--target", network.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--net", "unshare", "--mount", "--propagation", "private", "--fork"];
        foreach (var arg in (string[])[.. namespaces, "bash", "-c", setup])
        {
            info.ArgumentList.Add(arg);
        }

        var holder = Process.Start(info)!;
        var pidLine = await holder.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        if (pidLine is null || !int.TryParse(pidLine, out var pid))
        {
            throw new InvalidOperationException($"the namespace did not start: {await holder.StandardError.ReadToEndAsync()}");
        }

        var sandbox = new InstanceSandbox(holder, pid, directory);
        if (network is not null)
        {
            return sandbox;
        }

        await sandbox.StartServiceAsync(["moto_server", "-H", "127.0.0.1", "-p", MotoPort.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION"] = "true", ["MOTO_ENABLE_AMI_VALIDATION"] = "true", ["MOTO_ENABLE_KEYPAIR_VALIDATION"] = "true" });
        await sandbox.WaitUntilAsync($"{Endpoint}/moto-api/");
        return sandbox;
    }

    /// <summary>The IMDSv2 stub on 169.254.169.254:80, for the instance that EC2 (moto) says was launched.</summary>
    /// <param name="extra">More arguments of the stub, e.g. <c>--life-cycle spot --spot-action-file F</c>.</param>
    public async Task StartImdsAsync(string instanceId, string instanceType, params string[] extra)
    {
        var stub = Path.Combine(Binaries.RepositoryRoot, "tests", "Shared", "imds_stub.py");
        imds = await StartServiceAsync(
            ["python3", stub, "--host", "169.254.169.254", "--port", "80", "--instance-id", instanceId, "--region", "us-east-1", "--instance-type", instanceType,
             "--role", "spawn-queue", "--access-key-id", "ASIAINSTANCEROLE", "--secret-access-key", "instance-secret", "--token", "instance-session-token", .. extra],
            new Dictionary<string, string>());
        await WaitUntilAsync("http://169.254.169.254/latest/api/token", "-X", "PUT", "-H", "X-aws-ec2-metadata-token-ttl-seconds: 60");
    }

    /// <summary>The instance is gone: its metadata service with it (another sandbox on this network may serve its own).</summary>
    public void StopImds()
    {
        if (imds is { } stub)
        {
            services.Remove(stub);
            Kill(stub);
            imds = null;
        }
    }

    /// <summary>Runs a command inside, with exactly <paramref name="environment"/>, and waits for it.</summary>
    public async Task<CliResult> RunAsync(IEnumerable<string> command, IReadOnlyDictionary<string, string> environment, TimeSpan? limit = null)
    {
        using var process = Start(command, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', command)} did not finish inside the sandbox; stderr: {(stderr.IsCompleted ? stderr.Result : "")}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public Task<CliResult> ShellAsync(string script, IReadOnlyDictionary<string, string>? environment = null) =>
        RunAsync(["bash", "-c", script], environment ?? InstanceEnvironment);

    /// <summary>Starts a command inside without waiting (the caller reads its output and waits).</summary>
    public Process Start(IEnumerable<string> command, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("nsenter")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = Directory_,
        };
        foreach (var arg in new[] { "--target", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--mount", "--net", "env", "-i" })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.ArgumentList.Add($"{key}={value}");
        }

        foreach (var arg in command)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in services)
        {
            Kill(service);
        }

        Kill(holder);
        try
        {
            Directory.Delete(Directory_, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        await Task.CompletedTask;
    }

    private async Task<Process> StartServiceAsync(string[] command, Dictionary<string, string> extra)
    {
        var environment = new Dictionary<string, string>(InstanceEnvironment) { ["PATH"] = Environment.GetEnvironmentVariable("PATH")! };
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }

        var process = Start(command, environment);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        services.Add(process);
        await Task.CompletedTask;
        return process;
    }

    private async Task WaitUntilAsync(string url, params string[] curlArgs)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var probe = await RunAsync(["curl", "-sf", "-o", "/dev/null", .. curlArgs, url], InstanceEnvironment, TimeSpan.FromSeconds(10));
            if (probe.ExitCode == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{url} did not answer inside the sandbox: {probe}");
            }

            await Task.Delay(100);
        }
    }

    private static async Task<string> Which(string program)
    {
        using var which = Process.Start(new ProcessStartInfo("which", program) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var path = await which.StandardOutput.ReadToEndAsync();
        await which.WaitForExitAsync();
        return which.ExitCode == 0 ? path : throw new InvalidOperationException($"{program} is not on PATH");
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        process.Dispose();
    }
}
