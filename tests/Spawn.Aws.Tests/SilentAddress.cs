using Spawn.Tests.Shared;
using System.Net;
using System.Net.Sockets;

namespace Spawn.Aws.Tests;

/// <summary>
/// A loopback address that behaves like the metadata address off EC2 on a network that drops what it cannot route:
/// a connection to it neither succeeds nor fails. Its listener's queue (backlog 0) is filled by one connection that is
/// never accepted, so the kernel drops every later SYN and the caller's connect waits until its own timeout.
/// </summary>
public sealed class SilentAddress : IDisposable
{
    private readonly Socket listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Socket filler = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public SilentAddress()
    {
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        filler.Connect(listener.LocalEndPoint!);
    }

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}";

    public void Dispose()
    {
        filler.Dispose();
        listener.Dispose();
    }
}
