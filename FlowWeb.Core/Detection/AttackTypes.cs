using System.Collections.Frozen;
using System.Text.Json.Serialization;

namespace FlowWeb.Core.Detection;

/// <summary>What an attack is, from its traffic. The JSON names are the API's (<c>ntp-amplification</c>).</summary>
public enum AttackType
{
    [JsonStringEnumMemberName("syn-flood")] SynFlood,
    [JsonStringEnumMemberName("tcp-flood")] TcpFlood,
    [JsonStringEnumMemberName("udp-flood")] UdpFlood,
    [JsonStringEnumMemberName("icmp-flood")] IcmpFlood,
    [JsonStringEnumMemberName("fragment-flood")] FragmentFlood,
    [JsonStringEnumMemberName("dns-amplification")] DnsAmplification,
    [JsonStringEnumMemberName("ntp-amplification")] NtpAmplification,
    [JsonStringEnumMemberName("ssdp-amplification")] SsdpAmplification,
    [JsonStringEnumMemberName("memcached-amplification")] MemcachedAmplification,
    [JsonStringEnumMemberName("cldap-amplification")] CldapAmplification,
    [JsonStringEnumMemberName("chargen-amplification")] ChargenAmplification,
    [JsonStringEnumMemberName("snmp-amplification")] SnmpAmplification,
    [JsonStringEnumMemberName("ws-discovery-amplification")] WsDiscoveryAmplification,

    /// <summary>Reflection from another well-known UDP service (its port is in the report).</summary>
    [JsonStringEnumMemberName("amplification")] OtherAmplification,

    /// <summary>Many hosts of one prefix, none of them over its own thresholds (the vector is in the report).</summary>
    [JsonStringEnumMemberName("carpet-bombing")] CarpetBombing,

    /// <summary>Over a threshold without one protocol dominating.</summary>
    [JsonStringEnumMemberName("mixed")] Mixed,
}

public enum AttackDirection
{
    /// <summary>Towards a protected host or prefix.</summary>
    [JsonStringEnumMemberName("incoming")] Incoming,

    /// <summary>From a protected host (a compromised machine, an abused reflector).</summary>
    [JsonStringEnumMemberName("outgoing")] Outgoing,
}

/// <summary>UDP source ports of services abused as reflectors, and what their floods are called.</summary>
public static class ReflectorPorts
{
    private static readonly FrozenDictionary<ushort, (AttackType Type, string Service)> Known = new Dictionary<ushort, (AttackType, string)>
    {
        [17] = (AttackType.OtherAmplification, "QOTD"),
        [19] = (AttackType.ChargenAmplification, "CharGEN"),
        [53] = (AttackType.DnsAmplification, "DNS"),
        [69] = (AttackType.OtherAmplification, "TFTP"),
        [111] = (AttackType.OtherAmplification, "Portmap"),
        [123] = (AttackType.NtpAmplification, "NTP"),
        [137] = (AttackType.OtherAmplification, "NetBIOS"),
        [161] = (AttackType.SnmpAmplification, "SNMP"),
        [389] = (AttackType.CldapAmplification, "CLDAP"),
        [427] = (AttackType.OtherAmplification, "SLP"),
        [520] = (AttackType.OtherAmplification, "RIPv1"),
        [1434] = (AttackType.OtherAmplification, "MS SQL browser"),
        [1900] = (AttackType.SsdpAmplification, "SSDP"),
        [3283] = (AttackType.OtherAmplification, "Apple Remote Desktop"),
        [3702] = (AttackType.WsDiscoveryAmplification, "WS-Discovery"),
        [5353] = (AttackType.OtherAmplification, "mDNS"),
        [5683] = (AttackType.OtherAmplification, "CoAP"),
        [10001] = (AttackType.OtherAmplification, "Ubiquiti discovery"),
        [11211] = (AttackType.MemcachedAmplification, "memcached"),
        [33848] = (AttackType.OtherAmplification, "Jenkins discovery"),
        [37810] = (AttackType.OtherAmplification, "DVR discovery"),
    }.ToFrozenDictionary();

    // One bit per port: the per-record test is a shift and a mask.
    private static readonly ulong[] Bits = BuildBits();

    public static IEnumerable<ushort> All => Known.Keys.Order();

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool Contains(ushort port) => (Bits[port >> 6] & (1UL << (port & 63))) != 0;

    public static AttackType TypeOf(ushort port) => Known.TryGetValue(port, out var known) ? known.Type : AttackType.OtherAmplification;

    public static string? ServiceOf(ushort port) => Known.TryGetValue(port, out var known) ? known.Service : null;

    private static ulong[] BuildBits()
    {
        var bits = new ulong[1024];
        foreach (var port in Known.Keys)
        {
            bits[port >> 6] |= 1UL << (port & 63);
        }

        return bits;
    }
}

public static class AttackTypeNames
{
    /// <summary>The API name (<c>ntp-amplification</c>).</summary>
    public static string Code(this AttackType type) =>
        typeof(AttackType).GetField(type.ToString())!.GetCustomAttributes(typeof(JsonStringEnumMemberNameAttribute), false)
            .Cast<JsonStringEnumMemberNameAttribute>().First().Name;

    /// <summary>What people call it ("NTP amplification").</summary>
    public static string Title(this AttackType type) => type switch
    {
        AttackType.SynFlood => "TCP SYN flood",
        AttackType.TcpFlood => "TCP flood",
        AttackType.UdpFlood => "UDP flood",
        AttackType.IcmpFlood => "ICMP flood",
        AttackType.FragmentFlood => "IP fragment flood",
        AttackType.DnsAmplification => "DNS amplification",
        AttackType.NtpAmplification => "NTP amplification",
        AttackType.SsdpAmplification => "SSDP amplification",
        AttackType.MemcachedAmplification => "memcached amplification",
        AttackType.CldapAmplification => "CLDAP amplification",
        AttackType.ChargenAmplification => "CharGEN amplification",
        AttackType.SnmpAmplification => "SNMP amplification",
        AttackType.WsDiscoveryAmplification => "WS-Discovery amplification",
        AttackType.OtherAmplification => "UDP amplification",
        AttackType.CarpetBombing => "Carpet bombing",
        AttackType.Mixed => "Mixed flood",
        _ => type.ToString(),
    };

    public static bool IsAmplification(this AttackType type) => type is >= AttackType.DnsAmplification and <= AttackType.OtherAmplification;

    public static bool TryParse(string? code, out AttackType type)
    {
        foreach (var candidate in Enum.GetValues<AttackType>())
        {
            if (string.Equals(candidate.Code(), code, StringComparison.OrdinalIgnoreCase) || string.Equals(candidate.ToString(), code, StringComparison.OrdinalIgnoreCase))
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }
}
