using System.Net;
using System.Net.Sockets;

namespace Spawn.Tests.Shared;

/// <summary>
/// A loopback TCP relay in front of a real server, for outages that keep the server's data (moto keeps its data in
/// memory only, so stopping moto itself would lose it):
/// <list type="bullet">
/// <item>it can hold every request still in flight once a given number of bytes has gone through, so a test can cut
/// the connection exactly in the middle of an upload (<see cref="Paused"/>, <see cref="Resume"/>);</item>
/// <item><see cref="GoDownAsync"/> makes it behave like a server that died: the open connections drop and every new
/// one is reset as soon as it is made; <see cref="ComeBack"/> lets traffic flow freely again, to the same data.</item>
/// </list>
/// </summary>
public sealed class PausingProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly int upstreamPort;
    private readonly CancellationTokenSource closing = new();
    private readonly TaskCompletionSource paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock gate = new();
    private readonly List<Task> relays = [];
    private readonly Task accepting;
    private CancellationTokenSource upPeriod = new();
    private bool down;
    private long forwarded;
    private long pauseAfterBytes;

    /// <param name="pauseAfterBytes">Hold requests once this many bytes went to the server; by default never.</param>
    public PausingProxy(int upstreamPort, long pauseAfterBytes = long.MaxValue)
    {
        this.upstreamPort = upstreamPort;
        this.pauseAfterBytes = pauseAfterBytes;
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>Completes once the byte budget is spent and requests are being held.</summary>
    public Task Paused => paused.Task;

    public void Resume()
    {
        Interlocked.Exchange(ref pauseAfterBytes, long.MaxValue);
        resumed.TrySetResult();
    }

    /// <summary>Drops every open connection and resets new ones until <see cref="ComeBack"/>; returns once all are closed.</summary>
    public async Task GoDownAsync()
    {
        CancellationTokenSource ending;
        Task[] open;
        lock (gate)
        {
            down = true;
            ending = upPeriod;
            upPeriod = new CancellationTokenSource();
            open = [.. relays];
            relays.Clear();
        }

        await ending.CancelAsync();
        await Task.WhenAll(open);
        ending.Dispose();
    }

    /// <summary>Serves again, with nothing held back.</summary>
    public void ComeBack()
    {
        lock (gate)
        {
            down = false;
        }

        Resume();
    }

    public async ValueTask DisposeAsync()
    {
        await closing.CancelAsync();
        listener.Stop();
        await accepting;
        closing.Dispose();
        upPeriod.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(closing.Token);
                lock (gate)
                {
                    if (down)
                    {
                        // A reset, as a client sees from a server that is not there any more.
                        client.Client.LingerState = new LingerOption(true, 0);
                        client.Dispose();
                        continue;
                    }

                    relays.Add(RelayAsync(client, upPeriod.Token));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Disposed.
        }

        Task[] open;
        lock (gate)
        {
            open = [.. relays];
        }

        await Task.WhenAll(open);
    }

    private async Task RelayAsync(TcpClient client, CancellationToken upToken)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(closing.Token, upToken);
        using var upstream = new TcpClient();
        using (client)
        {
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, upstreamPort, connection.Token);
                var toServer = PumpAsync(client.GetStream(), upstream.GetStream(), holdWhenPaused: true, connection.Token);
                var toClient = PumpAsync(upstream.GetStream(), client.GetStream(), holdWhenPaused: false, connection.Token);
                // Either side ending (the proxy went down, the server closed, the client gave up) ends it for both.
                await Task.WhenAny(toServer, toClient);
                await connection.CancelAsync();
                await Task.WhenAll(toServer, toClient);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // The client sees its connection drop, as it would if the server had gone.
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool holdWhenPaused, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (holdWhenPaused && Interlocked.Add(ref forwarded, read) > Interlocked.Read(ref pauseAfterBytes))
                {
                    paused.TrySetResult();
                    await resumed.Task.WaitAsync(cancellationToken);
                }

                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // Ends this connection; RelayAsync closes the other direction.
        }
    }
}
