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
