using System.Globalization;

namespace FlowWeb.Api;

/// <summary>IANA keywords of the IP protocols seen in practice, for toplist rows.</summary>
internal static class IpProtocols
{
    private static readonly Dictionary<byte, string> Names = new()
    {
        [1] = "ICMP",
        [2] = "IGMP",
        [6] = "TCP",
        [8] = "EGP",
        [17] = "UDP",
        [41] = "IPv6",
        [46] = "RSVP",
        [47] = "GRE",
        [50] = "ESP",
        [51] = "AH",
        [58] = "ICMPv6",
        [88] = "EIGRP",
        [89] = "OSPF",
        [94] = "IPIP",
        [103] = "PIM",
        [112] = "VRRP",
        [115] = "L2TP",
        [132] = "SCTP",
    };

    /// <summary>The keyword, or the number as text for a protocol without one here.</summary>
    public static string Name(byte protocol) =>
        Names.TryGetValue(protocol, out var name) ? name : protocol.ToString(CultureInfo.InvariantCulture);
}
