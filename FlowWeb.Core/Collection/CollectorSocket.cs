using System.Net;
using System.Net.Sockets;

namespace FlowWeb.Core.Collection;

/// <summary>Opens the collector's UDP socket as <see cref="CollectorOptions"/> describe it.</summary>
internal static class CollectorSocket
{
    /// <summary>
    /// Binds the configured address and port. For <c>::</c> the socket is dual-mode (IPv4 exporters arrive
    /// IPv4-mapped); where the host has no IPv6 at all it falls back to <c>0.0.0.0</c> and says so.
    /// </summary>
    public static Socket Open(CollectorOptions options, out bool fellBackToIPv4)
    {
        fellBackToIPv4 = false;
        var address = IPAddress.Parse(options.BindAddress);
        if (!address.Equals(IPAddress.IPv6Any))
        {
            return Bind(address, options, dualMode: false);
        }

        if (Socket.OSSupportsIPv6)
        {
            try
            {
                return Bind(IPAddress.IPv6Any, options, dualMode: true);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable or SocketError.ProtocolNotSupported)
            {
                // The kernel has IPv6 compiled in but switched off: fall through to IPv4.
            }
        }

        fellBackToIPv4 = true;
        return Bind(IPAddress.Any, options, dualMode: false);
    }

    private static Socket Bind(IPAddress address, CollectorOptions options, bool dualMode)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (dualMode)
            {
                socket.DualMode = true;
            }

            socket.ReceiveBufferSize = options.ReceiveBufferBytes;
            socket.Bind(new IPEndPoint(address, options.DefaultPort));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
