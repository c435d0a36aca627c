using FlowWeb.Core.Decoding.SFlow;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Encoding;

/// <summary>Writes sFlow v5 samples and their records (layouts in SFlowFlowRecords and SFlowCounterRecords on the decoding side).</summary>
internal static class SFlowSampleWriter
{
    public const int CountersSampleLength = 12 + (8 + 88) + (8 + 52);

    public static int FlowSampleLength(SFlowSampleSpec f)
    {
        var length = f.Expanded ? 44 : 32;
        if (f.Packet is { } p)
        {
            length += 8 + 16 + Pad4(SFlowHeaderWriter.HeaderLength(p));
            if (f.SampledIpRecord)
            {
                length += 8 + (p.SrcAddr.IsIPv4 ? 32 : 56);
            }
        }

        if (f.Switch is not null)
        {
            length += 8 + 16;
        }

        if (f.Router is { } r)
        {
            length += 8 + SFlowEncoder.AddressLength(r.NextHop) + 8;
        }

        if (f.Gateway is { } g)
        {
            length += 8 + SFlowEncoder.AddressLength(g.NextHop) + 12 + 4 + (g.DstAsPath.Count > 0 ? 8 + (4 * g.DstAsPath.Count) : 0) + 4 + (4 * g.Communities.Count) + 4;
        }

        return length;
    }

    private static int Pad4(int n) => (n + 3) & ~3;

    public static void WriteAddress(ref WireWriter w, FlowAddress address)
    {
        w.WriteUInt32(address.IsIPv4 ? 1u : 2u);
        AddressBytes(ref w, address);
    }

    /// <summary>An address without its type: 4 bytes for IPv4, 16 for IPv6.</summary>
    private static void AddressBytes(ref WireWriter w, FlowAddress address)
    {
        if (address.IsIPv4)
        {
            w.WriteUInt32(address.IPv4Value);
        }
        else
        {
            address.WriteBytes(w.Reserve(16));
        }
    }

    public static void WriteFlowSample(ref WireWriter w, SFlowSampleSpec f, uint sequence, uint pool)
    {
        w.WriteUInt32(f.Expanded ? 3u : 1u);
        w.WriteUInt32((uint)FlowSampleLength(f));
        w.WriteUInt32(sequence);
        if (f.Expanded)
        {
            w.WriteUInt32(f.SourceIdType);
            w.WriteUInt32(f.SourceIdIndex);
        }
        else
        {
            w.WriteUInt32((f.SourceIdType << 24) | (f.SourceIdIndex & 0x00FF_FFFF));
        }

        w.WriteUInt32(f.SamplingRate);
        w.WriteUInt32(pool);
        w.WriteUInt32(f.Drops);
        Interface(ref w, f.Input, f.Expanded);
        Interface(ref w, f.Output, f.Expanded);
        var p = f.Packet;
        w.WriteUInt32((uint)((p is null ? 0 : f.SampledIpRecord ? 2 : 1) + (f.Switch is null ? 0 : 1) + (f.Router is null ? 0 : 1) + (f.Gateway is null ? 0 : 1)));
        if (p is not null)
        {
            var headerLength = SFlowHeaderWriter.HeaderLength(p);
            w.WriteUInt32(1);
            w.WriteUInt32((uint)(16 + Pad4(headerLength)));
            w.WriteUInt32(1);
            w.WriteUInt32((uint)p.FrameLength);
            w.WriteUInt32((uint)p.Stripped);
            w.WriteUInt32((uint)headerLength);
            SFlowHeaderWriter.Write(p, w.Reserve(Pad4(headerLength))[..headerLength]);
            if (f.SampledIpRecord)
            {
                SampledIp(ref w, p);
            }
        }

        if (f.Switch is { } sw)
        {
            w.WriteUInt32(1001);
            w.WriteUInt32(16);
            w.WriteUInt32(sw.SrcVlan);
            w.WriteUInt32(0);
            w.WriteUInt32(sw.DstVlan);
            w.WriteUInt32(0);
        }

        if (f.Router is { } r)
        {
            w.WriteUInt32(1002);
            w.WriteUInt32((uint)(SFlowEncoder.AddressLength(r.NextHop) + 8));
            WriteAddress(ref w, r.NextHop);
            w.WriteUInt32(r.SrcMask);
            w.WriteUInt32(r.DstMask);
        }

        if (f.Gateway is { } g)
        {
            w.WriteUInt32(1003);
            w.WriteUInt32((uint)(SFlowEncoder.AddressLength(g.NextHop) + 12 + 4 + (g.DstAsPath.Count > 0 ? 8 + (4 * g.DstAsPath.Count) : 0) + 4 + (4 * g.Communities.Count) + 4));
            WriteAddress(ref w, g.NextHop);
            w.WriteUInt32(g.RouterAs);
            w.WriteUInt32(g.SrcAs);
            w.WriteUInt32(g.SrcPeerAs);
            w.WriteUInt32(g.DstAsPath.Count > 0 ? 1u : 0u);
            if (g.DstAsPath.Count > 0)
            {
                w.WriteUInt32(2); // AS_SEQUENCE
                w.WriteUInt32((uint)g.DstAsPath.Count);
                foreach (var asn in g.DstAsPath)
                {
                    w.WriteUInt32(asn);
                }
            }

            w.WriteUInt32((uint)g.Communities.Count);
            foreach (var community in g.Communities)
            {
                w.WriteUInt32(community);
            }

            w.WriteUInt32(g.LocalPref);
        }
    }

    private static void Interface(ref WireWriter w, SFlowInterface value, bool expanded)
    {
        if (expanded)
        {
            w.WriteUInt32((uint)value.Format);
            w.WriteUInt32(value.IsInternal ? 0xFFFF_FFFF : value.Value);
        }
        else
        {
            w.WriteUInt32(((uint)value.Format << 30) | (value.Value & 0x3FFF_FFFF));
        }
    }

    private static void SampledIp(ref WireWriter w, SFlowSampledPacket p)
    {
        var v4 = p.SrcAddr.IsIPv4;
        w.WriteUInt32(v4 ? 3u : 4u);
        w.WriteUInt32(v4 ? 32u : 56u);
        w.WriteUInt32((uint)Math.Max(0, p.FrameLength - p.Stripped - 14 - (4 * p.VlanTags.Count)));
        w.WriteUInt32(p.Protocol);
        AddressBytes(ref w, p.SrcAddr);
        AddressBytes(ref w, p.DstAddr);
        var icmp = p.Protocol is 1 or 58;
        w.WriteUInt32(icmp ? p.IcmpType : p.SrcPort);
        w.WriteUInt32(icmp ? p.IcmpCode : p.DstPort);
        w.WriteUInt32(p.TcpFlags);
        w.WriteUInt32(p.Tos);
    }

    public static void WriteCountersSample(ref WireWriter w, in SFlowInterfaceCounters c)
    {
        w.WriteUInt32(c.Expanded ? 4u : 2u);
        w.WriteUInt32((uint)(CountersSampleLength + (c.Expanded ? 4 : 0)));
        w.WriteUInt32(c.SampleSequence);
        if (c.Expanded)
        {
            w.WriteUInt32(c.SourceIdType);
            w.WriteUInt32(c.SourceIdIndex == 0 ? c.IfIndex : c.SourceIdIndex);
        }
        else
        {
            w.WriteUInt32((c.SourceIdType << 24) | ((c.SourceIdIndex == 0 ? c.IfIndex : c.SourceIdIndex) & 0x00FF_FFFF));
        }

        w.WriteUInt32(2);
        w.WriteUInt32(1);
        w.WriteUInt32(88);
        w.WriteUInt32(c.IfIndex);
        w.WriteUInt32(c.IfType);
        UInt64(ref w, c.IfSpeed);
        w.WriteUInt32(c.IfDirection);
        w.WriteUInt32(c.IfStatus);
        UInt64(ref w, c.InOctets);
        w.WriteUInt32(c.InUcastPkts);
        w.WriteUInt32(c.InMulticastPkts);
        w.WriteUInt32(c.InBroadcastPkts);
        w.WriteUInt32(c.InDiscards);
        w.WriteUInt32(c.InErrors);
        w.WriteUInt32(c.InUnknownProtos);
        UInt64(ref w, c.OutOctets);
        w.WriteUInt32(c.OutUcastPkts);
        w.WriteUInt32(c.OutMulticastPkts);
        w.WriteUInt32(c.OutBroadcastPkts);
        w.WriteUInt32(c.OutDiscards);
        w.WriteUInt32(c.OutErrors);
        w.WriteUInt32(c.PromiscuousMode);
        w.WriteUInt32(2);
        w.WriteUInt32(52);
        w.WriteUInt32(c.AlignmentErrors);
        w.WriteUInt32(c.FcsErrors);
        w.WriteUInt32(c.SingleCollisionFrames);
        w.WriteUInt32(c.MultipleCollisionFrames);
        w.WriteUInt32(c.SqeTestErrors);
        w.WriteUInt32(c.DeferredTransmissions);
        w.WriteUInt32(c.LateCollisions);
        w.WriteUInt32(c.ExcessiveCollisions);
        w.WriteUInt32(c.InternalMacTransmitErrors);
        w.WriteUInt32(c.CarrierSenseErrors);
        w.WriteUInt32(c.FrameTooLongs);
        w.WriteUInt32(c.InternalMacReceiveErrors);
        w.WriteUInt32(c.SymbolErrors);
    }

    private static void UInt64(ref WireWriter w, ulong value)
    {
        w.WriteUInt32((uint)(value >> 32));
        w.WriteUInt32((uint)value);
    }
}
