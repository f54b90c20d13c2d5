using System.Net;
using System.Net.Sockets;

namespace ExecutionLayer.Testing;

public static class LoopbackPort
{
    /// <summary>A loopback port free right now, for a server a test starts on a real socket.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
