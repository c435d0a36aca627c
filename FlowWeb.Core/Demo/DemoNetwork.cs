using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Demo;

/// <summary>
/// The made-up office behind the demo MikroTik: its LAN is RouterOS's default 192.168.88.0/24 (and 2001:db8:88::/64),
/// its WAN address and everything on the Internet side are in the documentation ranges (RFC 5737 192.0.2.0/24,
/// 198.51.100.0/24, 203.0.113.0/24 and RFC 3849 2001:db8::/32), so no demo address is anybody's real host.
/// </summary>
internal static class DemoNetwork
{
    /// <summary>ether1, towards the ISP.</summary>
    public const uint WanInterface = 1;

    /// <summary>bridge, the LAN.</summary>
    public const uint LanInterface = 2;

    /// <summary>Interface index of the router itself (traffic to or from the router has no interface on that side).</summary>
    public const uint RouterItself = 0;

    public const int LanHosts = 50;

    public static FlowAddress Router { get; } = IPv4(192, 168, 88, 1);

    public static FlowAddress WanAddress { get; } = IPv4(198, 51, 100, 2);

    public static FlowAddress IspGateway { get; } = IPv4(198, 51, 100, 1);

    /// <summary>LAN hosts 192.168.88.10 to .59.</summary>
    public static FlowAddress LanHost(int index) => IPv4(192, 168, 88, (byte)(10 + (index % LanHosts)));

    /// <summary>The same hosts' IPv6 addresses, 2001:db8:88::10 to ::59 (hex).</summary>
    public static FlowAddress LanHostV6(int index) => new(0x2001_0DB8_0088_0000UL, 0x10UL + (ulong)(index % LanHosts));

    /// <summary>An Internet server's IPv6 address, 2001:db8:f00::&lt;host&gt;.</summary>
    public static FlowAddress InternetV6(uint host) => new(0x2001_0DB8_0F00_0000UL, host);

    public static FlowAddress IPv4(byte a, byte b, byte c, byte d) => FlowAddress.FromIPv4(((uint)a << 24) | ((uint)b << 16) | ((uint)c << 8) | d);
}
