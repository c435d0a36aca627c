using System.Net;
using System.Net.Sockets;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Collection;

/// <summary>
/// Reads the sender of a datagram straight from the native socket address, so that receiving does not
/// allocate an <see cref="IPEndPoint"/> per packet.
/// <code>
/// sockaddr_in  (16): 0 family(2) 2 port(2) 4 address(4)  8 zero(8)
/// sockaddr_in6 (28): 0 family(2) 2 port(2) 4 flowinfo(4)  8 address(16) 24 scope id(4)
/// </code>
/// </summary>
internal static class SocketAddressReader
{
    private const int IPv4AddressOffset = 4;
    private const int IPv6AddressOffset = 8;

    private const ushort LinuxInet = 2, LinuxInet6 = 10;

    /// <summary>The sender in a raw Linux <c>sockaddr</c> as <c>recvmmsg</c> fills it (family in host byte order).</summary>
    public static FlowAddress ExporterOf(ReadOnlySpan<byte> sockaddr)
    {
        if (sockaddr.Length < 2)
        {
            return FlowAddress.None;
        }

        var family = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(sockaddr);
        return family switch
        {
            LinuxInet6 when sockaddr.Length >= IPv6AddressOffset + 16 => FlowAddress.FromIPv6(sockaddr.Slice(IPv6AddressOffset, 16)),
            LinuxInet when sockaddr.Length >= IPv4AddressOffset + 4 => FlowAddress.FromIPv4(sockaddr.Slice(IPv4AddressOffset, 4)),
            _ => FlowAddress.None,
        };
    }

    public static FlowAddress ExporterOf(SocketAddress address)
    {
        var bytes = address.Buffer.Span;
        return address.Family switch
        {
            // IPv4 senders on a dual-mode socket arrive IPv4-mapped, which FlowAddress stores the same as plain IPv4.
            AddressFamily.InterNetworkV6 when bytes.Length >= IPv6AddressOffset + 16 => FlowAddress.FromIPv6(bytes.Slice(IPv6AddressOffset, 16)),
            AddressFamily.InterNetwork when bytes.Length >= IPv4AddressOffset + 4 => FlowAddress.FromIPv4(bytes.Slice(IPv4AddressOffset, 4)),
            _ => FlowAddress.None,
        };
    }
}
