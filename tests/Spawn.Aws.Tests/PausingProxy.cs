using System.Net;
using System.Net.Sockets;

namespace Spawn.Aws.Tests;

/// <summary>
/// A loopback TCP relay in front of the real server that holds every request still in flight once a given number of
/// bytes has gone through, so a test can stop the server exactly in the middle of an upload. When the server behind
/// goes away, the relay drops the client's connections as the server would have; <see cref="Resume"/> lets traffic
/// flow freely again.
/// </summary>
internal sealed class PausingProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly int upstreamPort;
    private readonly CancellationTokenSource closing = new();
    private readonly TaskCompletionSource paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task accepting;
    private readonly TaskCompletionSource resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long forwarded;
    private long pauseAfterBytes;

    public PausingProxy(int upstreamPort, long pauseAfterBytes)
    {
        this.upstreamPort = upstreamPort;
        this.pauseAfterBytes = pauseAfterBytes;
        listener.Start();
        accepting = AcceptAsync();
    }

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    /// <summary>Completes once the byte budget is spent and requests are being held.</summary>
    public Task Paused => paused.Task;

    public void Resume()
    {
        Interlocked.Exchange(ref pauseAfterBytes, long.MaxValue);
        resumed.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await closing.CancelAsync();
        listener.Stop();
        await accepting;
        closing.Dispose();
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(closing.Token);
                connections.Add(RelayAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Disposed.
        }

        await Task.WhenAll(connections);
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(closing.Token);
        using var upstream = new TcpClient();
        using (client)
        {
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, upstreamPort, connection.Token);
                var toServer = PumpAsync(client.GetStream(), upstream.GetStream(), holdWhenPaused: true, connection.Token);
                var toClient = PumpAsync(upstream.GetStream(), client.GetStream(), holdWhenPaused: false, connection.Token);
                // Either side ending (the server stopped, the client gave up) ends the connection for both.
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
