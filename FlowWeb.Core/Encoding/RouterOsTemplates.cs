using FlowWeb.Core.Decoding.Templates;
using IE = FlowWeb.Core.Decoding.InformationElements;

namespace FlowWeb.Core.Encoding;

/// <summary>
/// Templates of MikroTik RouterOS "Traffic Flow" (protocols.md §2.2). The 6.x IPFIX pair is exactly what
/// RouterOS 6.39.2 sends (capture <c>ipfix_test_mikrotik_tpl.dat</c>). No RouterOS 7 or v9 capture is public:
/// the 7.x shapes follow what is documented — template id 256, samplingInterval/samplingAlgorithm (34/35) in
/// data records, systemInitTimeMilliseconds (160) right after flowStart/EndSysUpTime (22/21) in IPFIX
/// (goflow2 PR #406), post-NAT fields, MACs, the v9 IPv6 field order of tehmaze/netflow#24 — and the field
/// order and the IPv6 template id 257 are assumptions. RouterOS lets users switch fields off, so a collector
/// must never rely on these shapes; they are for tests, the demo and benchmarks.
/// </summary>
public static class RouterOsTemplates
{
    /// <summary><c>v9-template-refresh</c> default: templates go out every 20 packets (v9 and IPFIX).</summary>
    public const int TemplateRefreshPackets = 20;

    /// <summary><c>v9-template-timeout</c> as users report it (the documentation leaves the default blank).</summary>
    public static readonly TimeSpan TemplateTimeout = TimeSpan.FromMinutes(30);

    /// <summary><c>/ip traffic-flow target port</c> default.</summary>
    public const int DefaultPort = 2055;

    private static readonly TemplateField[] Ros6Common =
    [
        new(IE.IpVersion, 1), new(IE.FlowStartSysUpTime, 4), new(IE.FlowEndSysUpTime, 4), new(IE.PacketDeltaCount, 4),
        new(IE.OctetDeltaCount, 4), new(IE.SourceTransportPort, 2), new(IE.DestinationTransportPort, 2),
        new(IE.IngressInterface, 4), new(IE.EgressInterface, 4), new(IE.ProtocolIdentifier, 1), new(IE.TcpControlBits, 1),
    ];

    /// <summary>RouterOS 6.x IPFIX, IPv4: template 258, 16 fields, 51-byte records; no IE 160, so times are uptime only.</summary>
    public static FlowTemplate Ros6IpfixIPv4 { get; } = new(258,
    [
        .. Ros6Common,
        new(IE.SourceIPv4Address, 4), new(IE.DestinationIPv4Address, 4), new(IE.IpNextHopIPv4Address, 4),
        new(IE.PostNatSourceIPv4Address, 4), new(IE.PostNatDestinationIPv4Address, 4),
    ]);

    /// <summary>RouterOS 6.x IPFIX, IPv6: template 259, 14 fields, 79-byte records.</summary>
    public static FlowTemplate Ros6IpfixIPv6 { get; } = new(259,
    [
        .. Ros6Common,
        new(IE.SourceIPv6Address, 16), new(IE.DestinationIPv6Address, 16), new(IE.IpNextHopIPv6Address, 16),
    ]);

    private const ushort IpTtl = 192, FlowLabelIPv6 = 31, Ipv6ExtensionHeaders = 64;

    /// <summary>RouterOS 7.x-shaped IPFIX, IPv4: template 256 with IE 160 in every record.</summary>
    public static FlowTemplate Ros7IpfixIPv4 { get; } = new(256,
    [
        new(IE.IpVersion, 1), new(IE.FlowStartSysUpTime, 4), new(IE.FlowEndSysUpTime, 4), new(IE.SystemInitTimeMilliseconds, 8),
        new(IE.PacketDeltaCount, 4), new(IE.OctetDeltaCount, 4), new(IE.SourceTransportPort, 2), new(IE.DestinationTransportPort, 2),
        new(IE.IngressInterface, 4), new(IE.EgressInterface, 4), new(IE.ProtocolIdentifier, 1), new(IE.TcpControlBits, 1),
        new(IE.IpClassOfService, 1), new(IpTtl, 1), new(IE.SourceIPv4Address, 4), new(IE.DestinationIPv4Address, 4),
        new(IE.SourceIPv4PrefixLength, 1), new(IE.DestinationIPv4PrefixLength, 1), new(IE.IpNextHopIPv4Address, 4),
        new(IE.PostNatSourceIPv4Address, 4), new(IE.PostNatDestinationIPv4Address, 4),
        new(IE.PostNaptSourceTransportPort, 2), new(IE.PostNaptDestinationTransportPort, 2),
        new(IE.SourceMacAddress, 6), new(IE.DestinationMacAddress, 6), new(IE.SamplingInterval, 4), new(IE.SamplingAlgorithm, 1),
    ]);

    /// <summary>RouterOS 7.x-shaped IPFIX, IPv6: template 257 (id assumed).</summary>
    public static FlowTemplate Ros7IpfixIPv6 { get; } = new(257,
    [
        new(IE.IpVersion, 1), new(IE.FlowStartSysUpTime, 4), new(IE.FlowEndSysUpTime, 4), new(IE.SystemInitTimeMilliseconds, 8),
        new(IE.PacketDeltaCount, 4), new(IE.OctetDeltaCount, 4), new(IE.SourceTransportPort, 2), new(IE.DestinationTransportPort, 2),
        new(IE.IngressInterface, 4), new(IE.EgressInterface, 4), new(IE.ProtocolIdentifier, 1), new(IE.TcpControlBits, 1),
        new(IE.IpClassOfService, 1), new(IpTtl, 1), new(IE.SourceIPv6Address, 16), new(IE.DestinationIPv6Address, 16),
        new(IE.SourceIPv6PrefixLength, 1), new(IE.DestinationIPv6PrefixLength, 1), new(IE.IpNextHopIPv6Address, 16),
        new(FlowLabelIPv6, 4), new(IE.SourceMacAddress, 6), new(IE.DestinationMacAddress, 6),
        new(IE.SamplingInterval, 4), new(IE.SamplingAlgorithm, 1),
    ]);

    /// <summary>RouterOS 7.x-shaped NetFlow v9, IPv4: template 256, in the order of the v9 IPv6 dump (tehmaze/netflow#24).</summary>
    public static FlowTemplate Ros7NetFlowV9IPv4 { get; } = new(256,
    [
        new(IE.IpVersion, 1), new(IE.SourceIPv4Address, 4), new(IE.DestinationIPv4Address, 4),
        new(IE.SourceIPv4PrefixLength, 1), new(IE.DestinationIPv4PrefixLength, 1), new(IE.IngressInterface, 4), new(IE.EgressInterface, 4),
        new(IE.IpNextHopIPv4Address, 4), new(IE.ProtocolIdentifier, 1), new(IE.TcpControlBits, 1),
        new(IE.SamplingInterval, 4), new(IE.SamplingAlgorithm, 1), new(IE.IpClassOfService, 1),
        new(IE.SourceTransportPort, 2), new(IE.DestinationTransportPort, 2), new(IE.FlowEndSysUpTime, 4), new(IE.FlowStartSysUpTime, 4),
        new(IE.OctetDeltaCount, 4), new(IE.PacketDeltaCount, 4), new(IE.SourceMacAddress, 6), new(IE.DestinationMacAddress, 6),
        new(IE.PostSourceMacAddress, 6), new(IE.PostDestinationMacAddress, 6),
        new(IE.PostNatSourceIPv4Address, 4), new(IE.PostNatDestinationIPv4Address, 4),
        new(IE.PostNaptSourceTransportPort, 2), new(IE.PostNaptDestinationTransportPort, 2),
    ]);

    /// <summary>RouterOS 7.x-shaped NetFlow v9, IPv6: template 257 (id assumed), fields as in tehmaze/netflow#24.</summary>
    public static FlowTemplate Ros7NetFlowV9IPv6 { get; } = new(257,
    [
        new(IE.IpVersion, 1), new(IE.SourceIPv6Address, 16), new(IE.DestinationIPv6Address, 16),
        new(IE.SourceIPv6PrefixLength, 1), new(IE.DestinationIPv6PrefixLength, 1), new(IE.IngressInterface, 4), new(IE.EgressInterface, 4),
        new(IE.IpNextHopIPv6Address, 16), new(IE.ProtocolIdentifier, 1), new(IE.TcpControlBits, 1),
        new(IE.SamplingInterval, 4), new(IE.SamplingAlgorithm, 1), new(IE.IpClassOfService, 1),
        new(IE.SourceTransportPort, 2), new(IE.DestinationTransportPort, 2), new(FlowLabelIPv6, 4), new(Ipv6ExtensionHeaders, 4),
        new(IE.FlowEndSysUpTime, 4), new(IE.FlowStartSysUpTime, 4), new(IE.OctetDeltaCount, 4), new(IE.PacketDeltaCount, 4),
        new(IE.SourceMacAddress, 6), new(IE.DestinationMacAddress, 6), new(IE.PostSourceMacAddress, 6), new(IE.PostDestinationMacAddress, 6),
    ]);
}
