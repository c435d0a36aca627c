using System.Net;
using System.Net.Sockets;

namespace FlowWeb.Tests.Web;

/// <summary>Ports free at the time of asking, for servers a test starts on this machine.</summary>
internal static class LoopbackPorts
{
    /// <summary>A UDP port free on the wildcard address, where the collector binds by default (dual-mode when IPv6 is there).</summary>
    public static int FreeUdp()
    {
        using var socket = Socket.OSSupportsIPv6
            ? new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true }
            : new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public static int FreeTcp()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
