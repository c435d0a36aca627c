using System.Globalization;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation;

/// <summary>
/// Turns a flow into the key(s) of a toplist type. Top Talkers are conversations: the two hosts of a flow,
/// whichever direction (smaller address first), so that both directions of a session add up; Top IP books a
/// flow for each of its two hosts; Top Protocols groups by protocol and service port (the lower of the two
/// ports, which is the well-known one for almost all traffic).
/// </summary>
public sealed partial class ToplistKeys
{
    private readonly ToplistType _type;
    private readonly ToplistField[] _fields;
    private readonly IpEnrichment _enrichment;

    /// <param name="enrichment">AS and country lookups (AS and country toplists, custom AS fields); none: only the exporter's AS numbers.</param>
    public ToplistKeys(ToplistType type, IReadOnlyList<ToplistField> fields, IpEnrichment? enrichment = null)
    {
        _type = type;
        _fields = [.. fields];
        _enrichment = enrichment ?? IpEnrichment.None;
    }

    /// <summary>Headings of the columns <see cref="Format"/> writes, in order (one place for every page and the API).</summary>
    public IReadOnlyList<string> Columns => _type switch
    {
        ToplistType.TopTalkers => ["Host A", "Host B"],
        ToplistType.TopConnections => ["Source", "Source port", "Destination", "Destination port", "Protocol"],
        ToplistType.TopProtocols => ["Protocol", "Port"],
        ToplistType.TopSourceIp => ["Source IP"],
        ToplistType.TopDestinationIp => ["Destination IP"],
        ToplistType.TopIp => ["IP"],
        ToplistType.TopSourceAs => ["Source AS"],
        ToplistType.TopDestinationAs => ["Destination AS"],
        ToplistType.TopCountries => ["Country"],
        _ => [.. _fields.Select(FieldName)],
    };

    /// <summary>
    /// The columns of <see cref="Columns"/> that show the key's <see cref="ToplistKey.A"/> and <see cref="ToplistKey.B"/>
    /// addresses (where a page puts their host names); -1 where there is none.
    /// </summary>
    public (int A, int B) AddressColumns => _type switch
    {
        ToplistType.TopTalkers => (0, 1),
        ToplistType.TopConnections => (0, 2),
        ToplistType.TopProtocols or ToplistType.TopSourceAs or ToplistType.TopDestinationAs or ToplistType.TopCountries => (-1, -1),
        ToplistType.TopSourceIp or ToplistType.TopDestinationIp or ToplistType.TopIp => (0, -1),
        _ => CustomAddressColumns(),
    };

    /// <summary>A key as text, one cell per column of <see cref="Columns"/>; reads the key's parts in the order <see cref="KeysOf"/> filled them.</summary>
    public string[] Format(in ToplistKey key)
    {
        switch (_type)
        {
            case ToplistType.TopTalkers:
                return [key.A.ToString(), key.B.ToString()];
            case ToplistType.TopConnections:
                return [key.A.ToString(), Port(key.Port1), key.B.ToString(), Port(key.Port2), ProtocolName(key.Protocol)];
            case ToplistType.TopProtocols:
                return [ProtocolName(key.Protocol), ServiceName(key.Protocol, key.Port1)];
            case ToplistType.TopSourceIp or ToplistType.TopDestinationIp or ToplistType.TopIp:
                return [key.A.ToString()];
            case ToplistType.TopSourceAs or ToplistType.TopDestinationAs:
                return [AsText(key.Number1)];
            case ToplistType.TopCountries:
                return [CountryCode.Unpack(key.Number1) ?? Unknown];
        }

        var cells = new string[_fields.Length];
        int addresses = 0, ports = 0, numbers = 0;
        for (var i = 0; i < _fields.Length; i++)
        {
            cells[i] = _fields[i] switch
            {
                ToplistField.SourceIp or ToplistField.DestinationIp or ToplistField.NextHop => (addresses++ == 0 ? key.A : key.B).ToString(),
                ToplistField.SourcePort or ToplistField.DestinationPort => Port(ports++ == 0 ? key.Port1 : key.Port2),
                ToplistField.Protocol => ProtocolName(key.Protocol),
                _ => (numbers++ == 0 ? key.Number1 : key.Number2).ToString(CultureInfo.InvariantCulture),
            };
        }

        return cells;
    }

    private (int A, int B) CustomAddressColumns()
    {
        int a = -1, b = -1;
        for (var i = 0; i < _fields.Length; i++)
        {
            if (_fields[i] is ToplistField.SourceIp or ToplistField.DestinationIp or ToplistField.NextHop)
            {
                if (a < 0)
                {
                    a = i;
                }
                else
                {
                    b = i;
                    break;
                }
            }
        }

        return (a, b);
    }

    /// <summary>The column heading of a custom toplist field.</summary>
    public static string FieldName(ToplistField field) => field switch
    {
        ToplistField.SourceIp => "Source IP",
        ToplistField.DestinationIp => "Destination IP",
        ToplistField.SourcePort => "Source port",
        ToplistField.DestinationPort => "Destination port",
        ToplistField.InboundInterface => "In interface",
        ToplistField.OutboundInterface => "Out interface",
        ToplistField.SourceAs => "Source AS",
        ToplistField.DestinationAs => "Destination AS",
        ToplistField.Dscp => "DSCP",
        ToplistField.NextHop => "Next hop",
        ToplistField.Vlan => "VLAN",
        _ => field.ToString(),
    };

    /// <summary>The usual name of an IP protocol number (TCP, UDP, ICMP...), or the number.</summary>
    public static string ProtocolName(byte protocol) => protocol switch
    {
        1 => "ICMP",
        2 => "IGMP",
        6 => "TCP",
        17 => "UDP",
        41 => "IPv6",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        58 => "ICMPv6",
        89 => "OSPF",
        103 => "PIM",
        112 => "VRRP",
        132 => "SCTP",
        _ => protocol.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A service port with the name FlowWeb's standard channel map gives it, e.g. "443 (HTTPS)"; "-" for none.</summary>
    public static string ServiceName(byte protocol, ushort port)
    {
        if (port == 0)
        {
            return "-";
        }

        var table = protocol == 6 ? StandardChannelMap.TcpPortEntry : protocol == 17 ? StandardChannelMap.UdpPortEntry : null;
        var entry = table?[port] ?? 0;
        var text = port.ToString(CultureInfo.InvariantCulture);
        return entry == 0 ? text : $"{text} ({StandardChannelMap.Protocols[entry - 1].Name})";
    }

    private static string Port(ushort port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Checks that custom fields fit a key: at most two addresses, two ports and two numbers.</summary>
    public static string? Validate(IReadOnlyList<ToplistField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count == 0)
        {
            return "a custom toplist needs at least one field";
        }

        if (fields.Distinct().Count() != fields.Count)
        {
            return "a field is listed twice";
        }

        var addresses = fields.Count(f => f is ToplistField.SourceIp or ToplistField.DestinationIp or ToplistField.NextHop);
        var ports = fields.Count(f => f is ToplistField.SourcePort or ToplistField.DestinationPort);
        var numbers = fields.Count(f => f is ToplistField.InboundInterface or ToplistField.OutboundInterface or ToplistField.SourceAs
            or ToplistField.DestinationAs or ToplistField.Dscp or ToplistField.Vlan);
        return addresses > 2 ? "at most two address fields (SourceIp, DestinationIp, NextHop)"
            : numbers > 2 ? "at most two of InboundInterface, OutboundInterface, SourceAs, DestinationAs, Dscp, Vlan"
            : ports > 2 ? "at most two port fields"
            : null;
    }

    /// <summary>Writes the flow's keys into <paramref name="keys"/> and returns how many (1, or 2 for Top IP and Top Countries).</summary>
    public int KeysOf(in FlowRecord r, Span<ToplistKey> keys)
    {
        switch (_type)
        {
            case ToplistType.TopConnections:
                keys[0] = new ToplistKey(r.SrcAddr, r.DstAddr, r.SrcPort, r.DstPort, r.Protocol);
                return 1;
            case ToplistType.TopTalkers:
                keys[0] = r.SrcAddr <= r.DstAddr ? new ToplistKey(r.SrcAddr, r.DstAddr) : new ToplistKey(r.DstAddr, r.SrcAddr);
                return 1;
            case ToplistType.TopProtocols:
                keys[0] = new ToplistKey(default, default, ServicePort(r), 0, r.Protocol);
                return 1;
            case ToplistType.TopSourceIp:
                keys[0] = new ToplistKey(r.SrcAddr);
                return 1;
            case ToplistType.TopDestinationIp:
                keys[0] = new ToplistKey(r.DstAddr);
                return 1;
            case ToplistType.TopIp:
                keys[0] = new ToplistKey(r.SrcAddr);
                if (r.SrcAddr == r.DstAddr)
                {
                    return 1;
                }

                keys[1] = new ToplistKey(r.DstAddr);
                return 2;
            case ToplistType.TopSourceAs:
                keys[0] = new ToplistKey(default, number1: _enrichment.AsOf(r.SrcAs, r.SrcAddr));
                return 1;
            case ToplistType.TopDestinationAs:
                keys[0] = new ToplistKey(default, number1: _enrichment.AsOf(r.DstAs, r.DstAddr));
                return 1;
            case ToplistType.TopCountries:
                return CountryKeys(r, keys);
            default:
                keys[0] = Custom(r);
                return 1;
        }
    }

    /// <summary>The service side of a TCP/UDP flow: the lower port (0 for protocols without ports).</summary>
    public static ushort ServicePort(in FlowRecord r) =>
        r.Protocol is 6 or 17 or 132 ? (r.SrcPort == 0 ? r.DstPort : r.DstPort == 0 ? r.SrcPort : Math.Min(r.SrcPort, r.DstPort)) : (ushort)0;

    private ToplistKey Custom(in FlowRecord r)
    {
        FlowAddress a = default, b = default;
        ushort p1 = 0, p2 = 0;
        uint n1 = 0, n2 = 0;
        byte protocol = 0;
        int addresses = 0, ports = 0, numbers = 0;
        foreach (var f in _fields)
        {
            switch (f)
            {
                case ToplistField.SourceIp: Put(ref a, ref b, ref addresses, r.SrcAddr); break;
                case ToplistField.DestinationIp: Put(ref a, ref b, ref addresses, r.DstAddr); break;
                case ToplistField.NextHop: Put(ref a, ref b, ref addresses, r.NextHop); break;
                case ToplistField.SourcePort: Put(ref p1, ref p2, ref ports, r.SrcPort); break;
                case ToplistField.DestinationPort: Put(ref p1, ref p2, ref ports, r.DstPort); break;
                case ToplistField.Protocol: protocol = r.Protocol; break;
                case ToplistField.InboundInterface: Put(ref n1, ref n2, ref numbers, r.InIf); break;
                case ToplistField.OutboundInterface: Put(ref n1, ref n2, ref numbers, r.OutIf); break;
                case ToplistField.SourceAs: Put(ref n1, ref n2, ref numbers, _enrichment.AsOf(r.SrcAs, r.SrcAddr)); break;
                case ToplistField.DestinationAs: Put(ref n1, ref n2, ref numbers, _enrichment.AsOf(r.DstAs, r.DstAddr)); break;
                case ToplistField.Dscp: Put(ref n1, ref n2, ref numbers, (uint)(r.Tos >> 2)); break;
                case ToplistField.Vlan: Put(ref n1, ref n2, ref numbers, r.Vlan); break;
            }
        }

        return new ToplistKey(a, b, p1, p2, protocol, n1, n2);
    }

    private static void Put<T>(ref T first, ref T second, ref int used, T value)
    {
        if (used++ == 0)
        {
            first = value;
        }
        else
        {
            second = value;
        }
    }
}
