using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding.SFlow;

/// <summary>
/// The flow samples of an sFlow v5 datagram (sflow_version_5.txt, "Flow Samples" and "Flow Data"): the sample's own
/// fields, then its flow records, each a (data_format, length, data) triple walked by its length. Records this
/// decoder does not know are skipped; one that does not fit its sample, or is shorter than its structure, makes the
/// whole sample malformed (its caller skips to the next sample, which the sample's own length makes safe).
/// <code>
/// flow_sample (0,1)                           flow_sample_expanded (0,3)
///   0 sequence_number                           0 sequence_number
///   4 source_id (type 8 bits | index 24)        4 source_id_type   8 source_id_index
///   8 sampling_rate 12 sample_pool 16 drops    12 sampling_rate 16 sample_pool 20 drops
///  20 input 24 output (compact interfaces)     24 input format 28 input value 32 output format 36 output value
///  28 flow_records count, then records         40 flow_records count, then records
///
/// sampled_header (0,1)   header_protocol, frame_length, stripped, header length, header bytes (padded to 4)
/// sampled_ethernet (0,2) length, src_mac (6, padded to 8), dst_mac (6, padded to 8), type
/// sampled_ipv4 (0,3)     length, protocol, src_ip(4), dst_ip(4), src_port, dst_port, tcp_flags, tos
/// sampled_ipv6 (0,4)     length, protocol, src_ip(16), dst_ip(16), src_port, dst_port, tcp_flags, priority
/// extended_switch (0,1001)  src_vlan, src_priority, dst_vlan, dst_priority
/// extended_router (0,1002)  next_hop (address), src_mask_len, dst_mask_len
/// extended_gateway (0,1003) next_hop, as, src_as, src_peer_as, dst_as_path&lt;segment: type, as&lt;&gt;&gt;, communities&lt;&gt;, localpref
/// </code>
/// </summary>
internal static class SFlowFlowRecords
{
    private const int CompactFixed = 32, ExpandedFixed = 44;
    private const uint SampledHeader = 1, SampledEthernet = 2, SampledIPv4 = 3, SampledIPv6 = 4;
    private const uint ExtendedSwitch = 1001, ExtendedRouter = 1002, ExtendedGateway = 1003;

    /// <summary>Reads a flow sample's fields and records into <paramref name="s"/> (whose datagram fields are already set).</summary>
    public static DecodeStatus Read(ReadOnlySpan<byte> data, bool expanded, ref SFlowFlowSample s, ref int unknownRecords)
    {
        var r = new WireReader(data);
        if (data.Length < (expanded ? ExpandedFixed : CompactFixed))
        {
            return DecodeStatus.SflowBadSampleLength;
        }

        s.Expanded = expanded;
        r.TryReadUInt32(out s.SampleSequence);
        if (expanded)
        {
            r.TryReadUInt32(out s.SourceIdType);
            r.TryReadUInt32(out s.SourceIdIndex);
        }
        else
        {
            r.TryReadUInt32(out var source);
            s.SourceIdType = source >> 24;
            s.SourceIdIndex = source & 0x00FF_FFFF;
        }

        r.TryReadUInt32(out s.SamplingRate);
        r.TryReadUInt32(out s.SamplePool);
        r.TryReadUInt32(out s.Drops);
        if (expanded)
        {
            r.TryReadUInt32(out var inFormat);
            r.TryReadUInt32(out var inValue);
            r.TryReadUInt32(out var outFormat);
            r.TryReadUInt32(out var outValue);
            s.Input = SFlowInterface.FromExpanded(inFormat, inValue);
            s.Output = SFlowInterface.FromExpanded(outFormat, outValue);
        }
        else
        {
            r.TryReadUInt32(out var input);
            r.TryReadUInt32(out var output);
            s.Input = SFlowInterface.FromCompact(input);
            s.Output = SFlowInterface.FromCompact(output);
        }

        r.TryReadUInt32(out var count);
        for (var i = 0u; i < count; i++)
        {
            if (!SFlowWire.TryReadStructure(ref r, out var format, out var record))
            {
                return DecodeStatus.SflowBadRecordLength;
            }

            var status = format switch
            {
                SampledHeader => Header(record, ref s),
                SampledEthernet => Ethernet(record, ref s),
                SampledIPv4 => IPv4(record, ref s),
                SampledIPv6 => IPv6(record, ref s),
                ExtendedSwitch => Switch(record, ref s),
                ExtendedRouter => Router(record, ref s),
                ExtendedGateway => Gateway(record, ref s),
                _ => Unknown(ref unknownRecords),
            };
            if (status != DecodeStatus.Ok)
            {
                return status;
            }
        }

        return DecodeStatus.Ok;
    }

    private static DecodeStatus Unknown(ref int unknownRecords)
    {
        unknownRecords++;
        return DecodeStatus.Ok;
    }

    private static DecodeStatus Header(ReadOnlySpan<byte> data, ref SFlowFlowSample s)
    {
        var r = new WireReader(data);
        if (!r.TryReadUInt32(out var protocol) || !r.TryReadUInt32(out var frameLength) || !r.TryReadUInt32(out var stripped) ||
            !r.TryReadUInt32(out var length) || length > r.Remaining || !r.TryReadSpan((int)length, out var header))
        {
            return DecodeStatus.SflowBadRecordLength;
        }

        s.HeaderProtocol = protocol;
        s.FrameLength = frameLength;
        s.Stripped = stripped;
        s.HeaderLength = length;
        s.Parts |= SFlowSampleParts.HeaderRecord;
        SampledHeaderParser.Parse(header, protocol, ref s);
        return DecodeStatus.Ok;
    }

    private static DecodeStatus Ethernet(ReadOnlySpan<byte> data, ref SFlowFlowSample s)
    {
        if (data.Length < 24)
        {
            return DecodeStatus.SflowBadRecordLength;
        }

        var r = new WireReader(data);
        r.TryReadUInt32(out var length);
        r.TryReadSpan(8, out var src);
        r.TryReadSpan(8, out var dst);
        r.TryReadUInt32(out var type);
        s.Parts |= SFlowSampleParts.EthernetRecord;
        if (!s.Has(SFlowSampleParts.HeaderRecord))
        {
            s.FrameLength = length;
            s.EtherType = (ushort)type;
        }

        if (!s.Has(SFlowSampleParts.Macs))
        {
            s.Record.SrcMac = (ulong)WireReader.ReadUnsigned(src[..6]);
            s.Record.DstMac = (ulong)WireReader.ReadUnsigned(dst[..6]);
            s.Parts |= SFlowSampleParts.Macs;
        }

        return DecodeStatus.Ok;
    }

    private static DecodeStatus IPv4(ReadOnlySpan<byte> data, ref SFlowFlowSample s)
    {
        if (data.Length < 32)
        {
            return DecodeStatus.SflowBadRecordLength;
        }

        var r = new WireReader(data);
        r.TryReadUInt32(out var length);
        r.TryReadUInt32(out var protocol);
        r.TryReadSpan(4, out var src);
        r.TryReadSpan(4, out var dst);
        r.TryReadUInt32(out var srcPort);
        r.TryReadUInt32(out var dstPort);
        r.TryReadUInt32(out var tcpFlags);
        r.TryReadUInt32(out var tos);
        s.Parts |= SFlowSampleParts.IPv4Record;
        if (!s.Has(SFlowSampleParts.Ip))
        {
            SampledIp(ref s, length, protocol, FlowAddress.FromIPv4(src), FlowAddress.FromIPv4(dst), srcPort, dstPort, tcpFlags, tos);
        }

        return DecodeStatus.Ok;
    }

    private static DecodeStatus IPv6(ReadOnlySpan<byte> data, ref SFlowFlowSample s)
    {
        if (data.Length < 56)
        {
            return DecodeStatus.SflowBadRecordLength;
        }

        var r = new WireReader(data);
        r.TryReadUInt32(out var length);
        r.TryReadUInt32(out var protocol);
        r.TryReadSpan(16, out var src);
        r.TryReadSpan(16, out var dst);
        r.TryReadUInt32(out var srcPort);
        r.TryReadUInt32(out var dstPort);
        r.TryReadUInt32(out var tcpFlags);
        r.TryReadUInt32(out var priority);
        s.Parts |= SFlowSampleParts.IPv6Record;
        if (!s.Has(SFlowSampleParts.Ip))
        {
            SampledIp(ref s, length, protocol, FlowAddress.FromIPv6(src), FlowAddress.FromIPv6(dst), srcPort, dstPort, tcpFlags, priority);
        }

        return DecodeStatus.Ok;
    }

    /// <summary>An IPv4/IPv6 data record, used only when no raw header gave the packet's addresses.</summary>
    private static void SampledIp(ref SFlowFlowSample s, uint length, uint protocol, FlowAddress src, FlowAddress dst, uint srcPort, uint dstPort, uint tcpFlags, uint tos)
    {
        s.IpLength = length;
        s.Record.Protocol = (byte)protocol;
        s.Record.SrcAddr = src;
        s.Record.DstAddr = dst;
        s.Record.Tos = (byte)tos;
        s.Parts |= SFlowSampleParts.Ip | SFlowSampleParts.IpLength;
        if (protocol is 1 or 58)
        {
            // The record's "src_port/dst_port or equivalent": ICMP type and code.
            s.IcmpType = (byte)srcPort;
            s.IcmpCode = (byte)dstPort;
            s.Record.DstPort = (ushort)(((srcPort & 0xFF) << 8) | (dstPort & 0xFF));
            s.Parts |= SFlowSampleParts.Icmp;
        }
        else if (protocol is 6 or 17 or 132 or 136)
        {
            s.Record.SrcPort = (ushort)srcPort;
            s.Record.DstPort = (ushort)dstPort;
            s.Parts |= SFlowSampleParts.Ports;
            if (protocol == 6)
            {
                s.Record.TcpFlags = (ushort)(tcpFlags & 0x1FF);
                s.Parts |= SFlowSampleParts.TcpFlags;
            }
        }
    }

    private static DecodeStatus Switch(ReadOnlySpan<byte> data, ref SFlowFlowSample s)
    {
        if (data.Length < 16)
        {
            return DecodeStatus.SflowBadRecordLength;
        }

        var r = new WireReader(data);
        r.TryReadUInt32(out s.SrcVlan);
        r.TryReadUInt32(out s.SrcPriority);
        r.TryReadUInt32(out s.DstVlan);
        r.TryReadUInt32(out s.DstPriority);
        s.Parts |= SFlowSampleParts.SwitchRecord;
        return DecodeStatus.Ok;
    }

    private static DecodeStatus Router(ReadOnlySpan<byte> data, ref SFlowFlowSample s)
    {
        var r = new WireReader(data);
        if (!SFlowWire.TryReadAddress(ref r, out var nextHop) || !r.TryReadUInt32(out var srcMask) || !r.TryReadUInt32(out var dstMask))
        {
            return DecodeStatus.SflowBadRecordLength;
        }

        s.Record.NextHop = nextHop;
        s.Record.SrcMask = (byte)Math.Min(srcMask, 128u);
        s.Record.DstMask = (byte)Math.Min(dstMask, 128u);
        s.Parts |= SFlowSampleParts.RouterRecord;
        return DecodeStatus.Ok;
    }

    private static DecodeStatus Gateway(ReadOnlySpan<byte> data, ref SFlowFlowSample s)
    {
        var r = new WireReader(data);
        if (!SFlowWire.TryReadAddress(ref r, out var nextHop) || !r.TryReadUInt32(out var routerAs) ||
            !r.TryReadUInt32(out var srcAs) || !r.TryReadUInt32(out var srcPeerAs) || !r.TryReadUInt32(out var segments) ||
            segments > r.Remaining / 8)
        {
            return DecodeStatus.SflowBadRecordLength;
        }

        uint lastAs = 0;
        var pathLength = 0;
        for (var i = 0u; i < segments; i++)
        {
            if (!r.TryReadUInt32(out _) || !r.TryReadUInt32(out var count) || count > r.Remaining / 4)
            {
                return DecodeStatus.SflowBadRecordLength;
            }

            for (var j = 0u; j < count; j++)
            {
                r.TryReadUInt32(out lastAs);
            }

            pathLength += (int)count;
        }

        if (!r.TryReadUInt32(out var communities) || communities > r.Remaining / 4 || !r.TrySkip((int)communities * 4) || !r.TryReadUInt32(out _))
        {
            return DecodeStatus.SflowBadRecordLength;
        }

        // src_as 0 and an empty path both mean "inside the router's own AS" (sFlow v5: the path leads to the
        // destination; an empty one, to a local destination): the router's AS is the answer a reader expects there.
        s.RouterAs = routerAs;
        s.SrcPeerAs = srcPeerAs;
        s.AsPathLength = pathLength;
        s.Record.SrcAs = srcAs != 0 ? srcAs : routerAs;
        s.Record.DstAs = pathLength > 0 ? lastAs : routerAs;
        if (s.Record.NextHop.IsNone)
        {
            s.Record.NextHop = nextHop;
        }

        s.Parts |= SFlowSampleParts.GatewayRecord;
        return DecodeStatus.Ok;
    }
}
