namespace FlowWeb.Core.Rules;

/// <summary>Names accepted in <c>Protocol[...]</c> and <c>DSCP[...]</c> besides plain numbers.</summary>
internal static class ProtocolNames
{
    // IANA protocol numbers. OSPFIGP is PRTG's (and IANA's) keyword; OSPF is the name people type.
    private static readonly Dictionary<string, byte> Protocols = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ICMP"] = 1,
        ["IGMP"] = 2,
        ["TCP"] = 6,
        ["EGP"] = 8,
        ["UDP"] = 17,
        ["IPv6"] = 41,
        ["RSVP"] = 46,
        ["GRE"] = 47,
        ["ESP"] = 50,
        ["AH"] = 51,
        ["ICMPv6"] = 58,
        ["IPv6-ICMP"] = 58,
        ["EIGRP"] = 88,
        ["OSPFIGP"] = 89,
        ["OSPF"] = 89,
        ["IPIP"] = 94,
        ["PIM"] = 103,
        ["VRRP"] = 112,
        ["L2TP"] = 115,
        ["SCTP"] = 132,
    };

    private static readonly Dictionary<string, byte> Dscp = BuildDscp();

    /// <summary>Finds a protocol name; <paramref name="canonical"/> is the spelling used when the rule is shown.</summary>
    public static bool TryProtocol(string name, out byte number, out string canonical)
    {
        if (Protocols.TryGetValue(name, out number))
        {
            canonical = name.ToUpperInvariant() switch
            {
                "IPV6-ICMP" or "ICMPV6" => "ICMPv6",
                "IPV6" => "IPv6",
                var upper => upper,
            };
            return true;
        }

        canonical = "";
        return false;
    }

    public static bool TryDscp(string name, out byte value) => Dscp.TryGetValue(name, out value);

    // RFC 2474 class selectors, RFC 2597 assured forwarding, RFC 3246 expedited forwarding, RFC 5865 voice admit, RFC 8622 lower effort.
    private static Dictionary<string, byte> BuildDscp()
    {
        var names = new Dictionary<string, byte>(StringComparer.OrdinalIgnoreCase) { ["BE"] = 0, ["DF"] = 0, ["EF"] = 46, ["VA"] = 44, ["LE"] = 1 };
        for (var cs = 0; cs <= 7; cs++)
        {
            names[$"CS{cs}"] = (byte)(cs * 8);
        }

        for (var af = 1; af <= 4; af++)
        {
            for (var drop = 1; drop <= 3; drop++)
            {
                names[$"AF{af}{drop}"] = (byte)((af * 8) + (drop * 2));
            }
        }

        return names;
    }
}
