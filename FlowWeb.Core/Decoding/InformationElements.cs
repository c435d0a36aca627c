using System.Collections.Frozen;

namespace FlowWeb.Core.Decoding;

/// <summary>
/// IANA IPFIX information element ids (RFC 7012 and the IANA registry) used by the decoders. NetFlow v9 field
/// types 1..127 are the same numbers, and exporters use the 128+ IANA ids in v9 too, so one table serves both.
/// </summary>
public static class InformationElements
{
    public const ushort OctetDeltaCount = 1;
    public const ushort PacketDeltaCount = 2;
    public const ushort DeltaFlowCount = 3;
    public const ushort ProtocolIdentifier = 4;
    public const ushort IpClassOfService = 5;
    public const ushort TcpControlBits = 6;
    public const ushort SourceTransportPort = 7;
    public const ushort SourceIPv4Address = 8;
    public const ushort SourceIPv4PrefixLength = 9;
    public const ushort IngressInterface = 10;
    public const ushort DestinationTransportPort = 11;
    public const ushort DestinationIPv4Address = 12;
    public const ushort DestinationIPv4PrefixLength = 13;
    public const ushort EgressInterface = 14;
    public const ushort IpNextHopIPv4Address = 15;
    public const ushort BgpSourceAsNumber = 16;
    public const ushort BgpDestinationAsNumber = 17;
    public const ushort FlowEndSysUpTime = 21;
    public const ushort FlowStartSysUpTime = 22;
    public const ushort PostOctetDeltaCount = 23;
    public const ushort PostPacketDeltaCount = 24;
    public const ushort SourceIPv6Address = 27;
    public const ushort DestinationIPv6Address = 28;
    public const ushort SourceIPv6PrefixLength = 29;
    public const ushort DestinationIPv6PrefixLength = 30;
    public const ushort IcmpTypeCodeIPv4 = 32;
    public const ushort SamplingInterval = 34;
    public const ushort SamplingAlgorithm = 35;
    public const ushort SamplerId = 48;
    public const ushort SamplerMode = 49;
    public const ushort SamplerRandomInterval = 50;
    public const ushort SourceMacAddress = 56;
    public const ushort PostDestinationMacAddress = 57;
    public const ushort VlanId = 58;
    public const ushort PostVlanId = 59;
    public const ushort IpVersion = 60;
    public const ushort FlowDirection = 61;
    public const ushort IpNextHopIPv6Address = 62;
    public const ushort DestinationMacAddress = 80;
    public const ushort PostSourceMacAddress = 81;
    public const ushort OctetTotalCount = 85;
    public const ushort PacketTotalCount = 86;
    public const ushort FlowEndReason = 136;
    public const ushort IcmpTypeCodeIPv6 = 139;
    public const ushort FlowStartSeconds = 150;
    public const ushort FlowEndSeconds = 151;
    public const ushort FlowStartMilliseconds = 152;
    public const ushort FlowEndMilliseconds = 153;
    public const ushort FlowStartMicroseconds = 154;
    public const ushort FlowEndMicroseconds = 155;
    public const ushort FlowStartNanoseconds = 156;
    public const ushort FlowEndNanoseconds = 157;
    public const ushort FlowStartDeltaMicroseconds = 158;
    public const ushort FlowEndDeltaMicroseconds = 159;
    public const ushort SystemInitTimeMilliseconds = 160;
    public const ushort PostNatSourceIPv4Address = 225;
    public const ushort PostNatDestinationIPv4Address = 226;
    public const ushort PostNaptSourceTransportPort = 227;
    public const ushort PostNaptDestinationTransportPort = 228;
    public const ushort NatEvent = 230;
    public const ushort PostNatSourceIPv6Address = 281;
    public const ushort PostNatDestinationIPv6Address = 282;
    public const ushort SelectorId = 302;
    public const ushort SamplingPacketInterval = 305;
    public const ushort SamplingPacketSpace = 306;

    // Cisco NSEL (ASA) NetFlow v9 field types, above the 15-bit IPFIX range so they cannot clash with IANA ids.
    public const ushort NselAaaUsername = 40000;
    public const ushort NselXlateSourceAddressIPv4 = 40001;
    public const ushort NselXlateDestinationAddressIPv4 = 40002;
    public const ushort NselXlateSourcePort = 40003;
    public const ushort NselXlateDestinationPort = 40004;
    public const ushort NselFirewallEvent = 40005;

    private static readonly FrozenDictionary<ushort, string> NameTable = new Dictionary<ushort, string>
    {
        [1] = "octetDeltaCount", [2] = "packetDeltaCount", [3] = "deltaFlowCount", [4] = "protocolIdentifier",
        [5] = "ipClassOfService", [6] = "tcpControlBits", [7] = "sourceTransportPort", [8] = "sourceIPv4Address",
        [9] = "sourceIPv4PrefixLength", [10] = "ingressInterface", [11] = "destinationTransportPort",
        [12] = "destinationIPv4Address", [13] = "destinationIPv4PrefixLength", [14] = "egressInterface",
        [15] = "ipNextHopIPv4Address", [16] = "bgpSourceAsNumber", [17] = "bgpDestinationAsNumber",
        [18] = "bgpNextHopIPv4Address", [19] = "postMCastPacketDeltaCount", [20] = "postMCastOctetDeltaCount",
        [21] = "flowEndSysUpTime", [22] = "flowStartSysUpTime", [23] = "postOctetDeltaCount",
        [24] = "postPacketDeltaCount", [25] = "minimumIpTotalLength", [26] = "maximumIpTotalLength",
        [27] = "sourceIPv6Address", [28] = "destinationIPv6Address", [29] = "sourceIPv6PrefixLength",
        [30] = "destinationIPv6PrefixLength", [31] = "flowLabelIPv6", [32] = "icmpTypeCodeIPv4",
        [33] = "igmpType", [34] = "samplingInterval", [35] = "samplingAlgorithm", [36] = "flowActiveTimeout",
        [37] = "flowIdleTimeout", [38] = "engineType", [39] = "engineId", [40] = "exportedOctetTotalCount",
        [41] = "exportedMessageTotalCount", [42] = "exportedFlowRecordTotalCount", [44] = "sourceIPv4Prefix",
        [45] = "destinationIPv4Prefix", [46] = "mplsTopLabelType", [47] = "mplsTopLabelIPv4Address",
        [48] = "samplerId", [49] = "samplerMode", [50] = "samplerRandomInterval", [52] = "minimumTTL",
        [53] = "maximumTTL", [54] = "fragmentIdentification", [55] = "postIpClassOfService",
        [56] = "sourceMacAddress", [57] = "postDestinationMacAddress", [58] = "vlanId", [59] = "postVlanId",
        [60] = "ipVersion", [61] = "flowDirection", [62] = "ipNextHopIPv6Address", [63] = "bgpNextHopIPv6Address",
        [64] = "ipv6ExtensionHeaders", [70] = "mplsTopLabelStackSection", [80] = "destinationMacAddress",
        [81] = "postSourceMacAddress", [82] = "interfaceName", [83] = "interfaceDescription", [85] = "octetTotalCount",
        [86] = "packetTotalCount", [88] = "fragmentOffset", [89] = "forwardingStatus", [94] = "applicationDescription",
        [95] = "applicationId", [96] = "applicationName", [130] = "exporterIPv4Address", [131] = "exporterIPv6Address",
        [136] = "flowEndReason", [137] = "commonPropertiesId", [138] = "observationPointId", [139] = "icmpTypeCodeIPv6",
        [143] = "meteringProcessId", [144] = "exportingProcessId", [145] = "templateId", [148] = "flowId",
        [149] = "observationDomainId", [150] = "flowStartSeconds", [151] = "flowEndSeconds",
        [152] = "flowStartMilliseconds", [153] = "flowEndMilliseconds", [154] = "flowStartMicroseconds",
        [155] = "flowEndMicroseconds", [156] = "flowStartNanoseconds", [157] = "flowEndNanoseconds",
        [158] = "flowStartDeltaMicroseconds", [159] = "flowEndDeltaMicroseconds", [160] = "systemInitTimeMilliseconds",
        [161] = "flowDurationMilliseconds", [162] = "flowDurationMicroseconds", [164] = "ignoredPacketTotalCount",
        [165] = "ignoredOctetTotalCount", [166] = "notSentFlowTotalCount", [167] = "notSentPacketTotalCount",
        [168] = "notSentOctetTotalCount", [173] = "exportProtocolVersion", [174] = "exportTransportProtocol",
        [176] = "icmpTypeIPv4", [177] = "icmpCodeIPv4", [178] = "icmpTypeIPv6", [179] = "icmpCodeIPv6",
        [184] = "tcpSequenceNumber", [185] = "tcpAcknowledgementNumber", [186] = "tcpWindowSize", [192] = "ipTTL",
        [195] = "ipDiffServCodePoint", [205] = "udpMessageLength", [210] = "paddingOctets", [214] = "exportProtocolVersion",
        [225] = "postNATSourceIPv4Address", [226] = "postNATDestinationIPv4Address",
        [227] = "postNAPTSourceTransportPort", [228] = "postNAPTDestinationTransportPort", [230] = "natEvent",
        [231] = "initiatorOctets", [232] = "responderOctets", [233] = "firewallEvent", [234] = "ingressVRFID",
        [235] = "egressVRFID", [252] = "ingressPhysicalInterface", [253] = "egressPhysicalInterface",
        [256] = "ethernetType", [281] = "postNATSourceIPv6Address", [282] = "postNATDestinationIPv6Address",
        [302] = "selectorId", [304] = "selectorAlgorithm", [305] = "samplingPacketInterval", [306] = "samplingPacketSpace",
        [323] = "observationTimeMilliseconds", [40000] = "NF_F_USERNAME", [40001] = "NF_F_XLATE_SRC_ADDR_IPV4",
        [40002] = "NF_F_XLATE_DST_ADDR_IPV4", [40003] = "NF_F_XLATE_SRC_PORT", [40004] = "NF_F_XLATE_DST_PORT",
        [40005] = "NF_F_FW_EVENT",
    }.ToFrozenDictionary();

    /// <summary>The IANA name of an element, or <c>e{pen}id{id}</c> / <c>ie{id}</c> when it is not in the table.</summary>
    public static string NameOf(ushort elementId, uint enterpriseNumber = 0) =>
        enterpriseNumber != 0 ? $"e{enterpriseNumber}id{elementId}"
        : NameTable.TryGetValue(elementId, out var name) ? name
        : $"ie{elementId}";
}
