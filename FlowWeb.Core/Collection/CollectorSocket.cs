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
    /// <param name="sharedPort">
    /// Open with <c>SO_REUSEPORT</c> (Linux), for one of several receive threads of the port. The first socket of a port is
    /// opened without it first and closed again, so a port another process holds is still refused, as without sharing.
    /// </param>
    public static Socket Open(CollectorOptions options, int port, out bool fellBackToIPv4, bool sharedPort = false)
    {
        fellBackToIPv4 = false;
        var address = IPAddress.Parse(options.BindAddress);
        if (!address.Equals(IPAddress.IPv6Any))
        {
            return Bind(address, port, options, dualMode: false, sharedPort);
        }

        if (Socket.OSSupportsIPv6)
        {
            try
            {
                return Bind(IPAddress.IPv6Any, port, options, dualMode: true, sharedPort);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable or SocketError.ProtocolNotSupported)
            {
                // The kernel has IPv6 compiled in but switched off: fall through to IPv4.
            }
        }

        fellBackToIPv4 = true;
        return Bind(IPAddress.Any, port, options, dualMode: false, sharedPort);
    }

    private static Socket Bind(IPAddress address, int port, CollectorOptions options, bool dualMode, bool sharedPort)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (dualMode)
            {
                socket.DualMode = true;
            }

            if (sharedPort)
            {
                const int SolSocket = 1, SoReusePort = 15;
                socket.SetRawSocketOption(SolSocket, SoReusePort, [1, 0, 0, 0]);
            }

            SetReceiveBuffer(socket, options.ReceiveBufferBytes);
            socket.Bind(new IPEndPoint(address, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// As root, SO_RCVBUFFORCE grants the size asked for even above net.core.rmem_max (a collector's bursts need
    /// megabytes); otherwise SO_RCVBUF, which the kernel caps at rmem_max.
    /// </summary>
    private static void SetReceiveBuffer(Socket socket, int bytes)
    {
        const int SolSocket = 1, SoRcvBufForce = 33;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                Span<byte> value = stackalloc byte[4];
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(value, bytes);
                socket.SetRawSocketOption(SolSocket, SoRcvBufForce, value);
                return;
            }
            catch (SocketException)
            {
                // Not privileged: fall back to the capped option.
            }
        }

        socket.ReceiveBufferSize = bytes;
    }
}
