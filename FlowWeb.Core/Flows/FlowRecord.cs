using System.Diagnostics.CodeAnalysis;

namespace FlowWeb.Core.Flows;

/// <summary>How a record's absolute start and end times were obtained.</summary>
public enum FlowTimeSource : byte
{
    /// <summary>The record carried no time at all; start and end are the export time.</summary>
    ExportTime = 0,

    /// <summary>v1/v5/v9: FIRST/LAST_SWITCHED relative to the header's sysUptime and export time (signed 32-bit difference).</summary>
    HeaderUptime = 1,

    /// <summary>IPFIX elements 150–159 (or the same elements inside v9): absolute times.</summary>
    AbsoluteElements = 2,

    /// <summary>flowStart/EndSysUpTime anchored by systemInitTimeMilliseconds (IE 160) inside the record.</summary>
    SystemInitInRecord = 3,

    /// <summary>flowStart/EndSysUpTime anchored by systemInitTimeMilliseconds learned from an options record.</summary>
    SystemInitFromOptions = 4,

    /// <summary>flowStart/EndSysUpTime anchored by an estimate of the exporter's boot time (MikroTik 6.x IPFIX); see BootTimeEstimator.</summary>
    EstimatedBootTime = 5,

    /// <summary>sFlow: a sample is one packet, not a flow; start and end are when FlowWeb received it.</summary>
    ArrivalTime = 6,
}

/// <summary>Properties of a record that a collector may want to act on.</summary>
[Flags]
public enum FlowRecordFlags : ushort
{
    None = 0,

    /// <summary>An options data record (sampler tables, exporter statistics...), not traffic.</summary>
    Options = 1,

    /// <summary>Counters are implausible (more than 65535 bytes per packet, less than one byte per packet, or an impossible packet rate).</summary>
    Implausible = 2,

    /// <summary>The sampling interval was read as little-endian (RouterOS 6 quirk).</summary>
    SamplingByteSwapped = 4,

    /// <summary>The record was held until its template arrived.</summary>
    WasPending = 8,

    /// <summary>The record carried post-NAT addresses or ports.</summary>
    HasNat = 16,

    /// <summary>Counters came from egress-only elements (OUT_BYTES/OUT_PKTS, 23/24).</summary>
    EgressCounters = 32,

    /// <summary>sFlow: the agent reports the sampled packet as discarded (output interface format 1).</summary>
    Dropped = 64,
}

/// <summary>
/// One decoded flow record, the same shape for NetFlow v1, v5, v9 and IPFIX. A plain struct so that batches
/// of them can be pooled and nothing is allocated per packet. Counters are exactly as sent: sampling is
/// reported in <see cref="SamplingRate"/>, never applied here. Elements without a field of their own stay
/// reachable through <see cref="FlowBatch.TryGetElement"/> using the record's raw bytes.
/// </summary>
[SuppressMessage("Design", "CA1051", Justification = "A plain data record filled field by field on the hot path; properties would only add copies.")]
public struct FlowRecord
{
    public FlowAddress SrcAddr;
    public FlowAddress DstAddr;
    public FlowAddress NextHop;
    public FlowAddress PostNatSrcAddr;
    public FlowAddress PostNatDstAddr;

    public ulong Bytes;
    public ulong Packets;

    /// <summary>Start of the flow, milliseconds since the Unix epoch (UTC).</summary>
    public long StartMs;

    /// <summary>End of the flow, milliseconds since the Unix epoch (UTC).</summary>
    public long EndMs;

    public ulong SrcMac;
    public ulong DstMac;

    public uint InIf;
    public uint OutIf;
    public uint SrcAs;
    public uint DstAs;

    /// <summary>Effective sampling rate (1 = unsampled). Counters must be multiplied by it to estimate real traffic.</summary>
    public uint SamplingRate;

    /// <summary>v9 source id or IPFIX observation domain id (0 for v1/v5).</summary>
    public uint ObservationDomain;

    public ushort SrcPort;
    public ushort DstPort;
    public ushort PostNatSrcPort;
    public ushort PostNatDstPort;
    public ushort TcpFlags;
    public ushort TemplateId;
    public ushort Vlan;
    public FlowRecordFlags Flags;

    public byte Version;
    public byte Protocol;
    public byte Tos;
    public byte SrcMask;
    public byte DstMask;

    /// <summary>0 ingress, 1 egress, 255 when the exporter did not say.</summary>
    public byte Direction;

    public byte NatEvent;
    public byte EndReason;
    public FlowTimeSource TimeSource;

    /// <summary>Offset of this record's raw bytes in its batch's arena; with <see cref="RawLength"/> and the template it makes every element reachable.</summary>
    public int RawOffset;
    public int RawLength;

    /// <summary>Index of the record's template in its batch's template table (-1 for v1/v5).</summary>
    public int TemplateIndex;

    public readonly bool IsOptions => (Flags & FlowRecordFlags.Options) != 0;

    public readonly DateTime Start => DateTime.UnixEpoch.AddMilliseconds(StartMs);

    public readonly DateTime End => DateTime.UnixEpoch.AddMilliseconds(EndMs);

    public const byte DirectionUnknown = 255;
}
