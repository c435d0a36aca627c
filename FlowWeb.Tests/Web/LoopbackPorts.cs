using System.Net;
using System.Net.Sockets;

namespace FlowWeb.Tests.Web;

/// <summary>
/// Ports free at the time of asking, for servers a test starts on this machine. A port is handed out once per test
/// run: tests run in parallel, and the collector shares its port among its receive threads (<c>SO_REUSEPORT</c>), so two
/// apps given the same port could both bind it and split each other's datagrams.
/// </summary>
internal static class LoopbackPorts
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>A UDP port free on the wildcard address, where the collector binds by default (dual-mode when IPv6 is there).</summary>
    public static int FreeUdp()
    {
        while (true)
        {
            using var socket = Socket.OSSupportsIPv6
                ? new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true }
                : new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
            var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    public static int FreeTcp()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
