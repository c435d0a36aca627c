using FlowWeb.Core.Decoding.SFlow;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Encoding;

/// <summary>A packet an sFlow agent samples: what its copied header says, down to the transport.</summary>
public sealed record SFlowSampledPacket
{
    public ulong SrcMac { get; init; } = 0x02_00_00_00_00_01;

    public ulong DstMac { get; init; } = 0x02_00_00_00_00_02;

    /// <summary>802.1Q VLAN ids, outer first; two or more make QinQ (outer tags 802.1ad, 0x88A8; the innermost 0x8100).</summary>
    public IReadOnlyList<ushort> VlanTags { get; init; } = [];

    /// <summary>MPLS labels between Ethernet and IP, top first; the last carries the bottom-of-stack bit.</summary>
    public IReadOnlyList<uint> MplsLabels { get; init; } = [];

    public FlowAddress SrcAddr { get; init; } = FlowAddress.Parse("192.0.2.1");

    public FlowAddress DstAddr { get; init; } = FlowAddress.Parse("198.51.100.1");

    public byte Protocol { get; init; } = 6;

    public ushort SrcPort { get; init; } = 49152;

    public ushort DstPort { get; init; } = 443;

    /// <summary>TCP flags (the low 9 bits: NS and the eight of byte 13).</summary>
    public ushort TcpFlags { get; init; } = 0x10;

    public byte Tos { get; init; }

    /// <summary>ICMP/ICMPv6 type and code (protocol 1 or 58).</summary>
    public byte IcmpType { get; init; }

    public byte IcmpCode { get; init; }

    /// <summary>Length of the frame on the wire, including the 4-byte FCS the agent strips.</summary>
    public int FrameLength { get; init; } = 1518;

    /// <summary>The agent's header size: at most this many bytes of the frame are copied (128 is the sFlow default).</summary>
    public int HeaderBytes { get; init; } = 128;

    /// <summary>Bytes removed before copying (the FCS).</summary>
    public int Stripped { get; init; } = 4;
}

/// <summary>One flow sample for <see cref="SFlowEncoder"/>: the sampled packet and what the agent says around it.</summary>
public sealed record SFlowSampleSpec
{
    /// <summary>The raw packet header record; null sends none.</summary>
    public SFlowSampledPacket? Packet { get; init; } = new();

    /// <summary>Also send the packet as an IPv4/IPv6 data record (0,3)/(0,4), as some agents do instead of the header.</summary>
    public bool SampledIpRecord { get; init; }

    /// <summary>Send the expanded form (format 3) instead of the compact one.</summary>
    public bool Expanded { get; init; }

    public uint SourceIdType { get; init; }

    public uint SourceIdIndex { get; init; } = 1;

    public uint SamplingRate { get; init; } = 1000;

    /// <summary>The agent's cumulative drop counter for this source.</summary>
    public uint Drops { get; init; }

    public SFlowInterface Input { get; init; } = new(SFlowInterfaceFormat.Index, 1);

    public SFlowInterface Output { get; init; } = new(SFlowInterfaceFormat.Index, 2);

    /// <summary>Extended switch data: (source VLAN, destination VLAN); null sends none.</summary>
    public (uint SrcVlan, uint DstVlan)? Switch { get; init; }

    /// <summary>Extended router data; null sends none.</summary>
    public (FlowAddress NextHop, uint SrcMask, uint DstMask)? Router { get; init; }

    /// <summary>Extended gateway data (one AS_SEQUENCE segment); null sends none.</summary>
    public SFlowGatewaySpec? Gateway { get; init; }
}

/// <summary>Extended gateway data: BGP next hop, the router's AS, the source's AS and peer AS, the path to the destination.</summary>
public sealed record SFlowGatewaySpec(FlowAddress NextHop, uint RouterAs, uint SrcAs, uint SrcPeerAs, IReadOnlyList<uint> DstAsPath)
{
    public IReadOnlyList<uint> Communities { get; init; } = [];

    public uint LocalPref { get; init; } = 100;
}
