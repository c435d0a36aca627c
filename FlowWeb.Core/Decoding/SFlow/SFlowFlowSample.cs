using System.Diagnostics.CodeAnalysis;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding.SFlow;

/// <summary>Which parts of an sFlow flow sample were present and decoded.</summary>
[Flags]
public enum SFlowSampleParts : uint
{
    None = 0,

    /// <summary>A raw packet header record (0,1).</summary>
    HeaderRecord = 1 << 0,

    /// <summary>An Ethernet frame data record (0,2).</summary>
    EthernetRecord = 1 << 1,

    /// <summary>An IPv4 data record (0,3).</summary>
    IPv4Record = 1 << 2,

    /// <summary>An IPv6 data record (0,4).</summary>
    IPv6Record = 1 << 3,

    /// <summary>Extended switch data (0,1001): VLANs and priorities.</summary>
    SwitchRecord = 1 << 4,

    /// <summary>Extended router data (0,1002): next hop and masks.</summary>
    RouterRecord = 1 << 5,

    /// <summary>Extended gateway data (0,1003): BGP next hop, AS numbers.</summary>
    GatewayRecord = 1 << 6,

    /// <summary>MAC addresses (from the header or the Ethernet record).</summary>
    Macs = 1 << 7,

    /// <summary>An 802.1Q tag in the sampled header (the outer one when stacked).</summary>
    VlanTag = 1 << 8,

    /// <summary>IP addresses, protocol and ToS.</summary>
    Ip = 1 << 9,

    /// <summary>The IP packet's length (IPv4 total length, IPv6 payload length + 40).</summary>
    IpLength = 1 << 10,

    /// <summary>Transport ports (TCP, UDP, SCTP).</summary>
    Ports = 1 << 11,

    /// <summary>TCP flags.</summary>
    TcpFlags = 1 << 12,

    /// <summary>ICMP or ICMPv6 type and code.</summary>
    Icmp = 1 << 13,

    /// <summary>The sampled header ended before the layer it announced (cut short by the agent's header size).</summary>
    HeaderCutShort = 1 << 14,

    /// <summary>The header was MPLS-labelled; the labels were skipped.</summary>
    Mpls = 1 << 15,

    /// <summary>The transport is VXLAN (UDP 4789); the record describes the outer packet, as the link carried it.</summary>
    Vxlan = 1 << 16,

    /// <summary>An IPv4 fragment other than the first, or an IPv6 fragment with an offset: no transport header.</summary>
    Fragment = 1 << 17,
}

/// <summary>
/// One decoded sFlow flow sample: the datagram and sample header fields, what the records said, and the flow
/// record FlowWeb counts it as (<see cref="Record"/>: one sampled packet, bytes = the frame length, with the
/// sample's sampling rate, so a sensor's estimate is <c>rate</c> packets and <c>frame length × rate</c> bytes).
/// A plain struct reused per sample: nothing is allocated.
/// </summary>
[SuppressMessage("Design", "CA1051", Justification = "A plain data record filled field by field on the hot path, like FlowRecord.")]
public struct SFlowFlowSample
{
    public FlowAddress Agent;
    public uint SubAgent;
    public uint DatagramSequence;
    public uint UptimeMs;

    /// <summary>True for an expanded flow sample (format 3), false for the compact one (format 1).</summary>
    public bool Expanded;
    public uint SampleSequence;
    public uint SourceIdType;
    public uint SourceIdIndex;
    public uint SamplingRate;
    public uint SamplePool;
    public uint Drops;
    public SFlowInterface Input;
    public SFlowInterface Output;

    public SFlowSampleParts Parts;

    /// <summary>Raw header record: header_protocol (1 Ethernet, 11 IPv4, 12 IPv6, 13 MPLS...).</summary>
    public uint HeaderProtocol;

    /// <summary>Length of the packet on the wire, including the <see cref="Stripped"/> bytes (the FCS on Ethernet) the header leaves out.</summary>
    public uint FrameLength;
    public uint Stripped;

    /// <summary>Bytes of the packet's header the agent copied.</summary>
    public uint HeaderLength;

    public ushort EtherType;
    public uint IpLength;
    public byte IcmpType;
    public byte IcmpCode;

    /// <summary>Extended switch data.</summary>
    public uint SrcVlan;
    public uint SrcPriority;
    public uint DstVlan;
    public uint DstPriority;

    /// <summary>Extended gateway data: the router's own AS and the source's peer AS.</summary>
    public uint RouterAs;
    public uint SrcPeerAs;

    /// <summary>Extended gateway: the AS path's length in AS numbers.</summary>
    public int AsPathLength;

    public FlowRecord Record;

    public readonly bool Has(SFlowSampleParts part) => (Parts & part) != 0;
}
