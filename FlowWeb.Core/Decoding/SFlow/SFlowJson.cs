using System.Text.Json;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding.SFlow;

/// <summary>
/// The decode tool's JSON for sFlow: one object per flow sample (<c>"format":"sflow"</c>) and, with <c>--options</c>,
/// per counters sample (<c>"format":"sflow-counters"</c>), with only the keys the sample carries. Names follow the
/// NetFlow objects where the meaning is the same (srcAddr, inIf, tcpFlags...), and tshark's sFlow fields otherwise.
/// </summary>
public static class SFlowJson
{
    public static void WriteFlowSample(Utf8JsonWriter json, in SFlowFlowSample s)
    {
        ArgumentNullException.ThrowIfNull(json);
        ref readonly var r = ref s.Record;
        json.WriteStartObject();
        json.WriteString("format", "sflow");
        json.WriteString("sampleType", s.Expanded ? "expandedFlow" : "flow");
        Datagram(json, s.Agent, s.SubAgent, s.DatagramSequence, s.UptimeMs);
        json.WriteNumber("sampleSeq", s.SampleSequence);
        json.WriteNumber("sourceIdType", s.SourceIdType);
        json.WriteNumber("sourceIdIndex", s.SourceIdIndex);
        json.WriteNumber("samplingRate", s.SamplingRate);
        json.WriteNumber("samplePool", s.SamplePool);
        json.WriteNumber("drops", s.Drops);
        Interface(json, "inIf", s.Input);
        Interface(json, "outIf", s.Output);
        if (s.Has(SFlowSampleParts.HeaderRecord))
        {
            json.WriteNumber("headerProtocol", s.HeaderProtocol);
            json.WriteNumber("headerLength", s.HeaderLength);
            json.WriteNumber("stripped", s.Stripped);
        }

        if (s.Has(SFlowSampleParts.HeaderRecord) || s.Has(SFlowSampleParts.EthernetRecord))
        {
            json.WriteNumber("frameLength", s.FrameLength);
        }

        if (s.Has(SFlowSampleParts.Macs))
        {
            json.WriteString("srcMac", FlowRecordJson.FormatMac(r.SrcMac));
            json.WriteString("dstMac", FlowRecordJson.FormatMac(r.DstMac));
        }

        if (s.Has(SFlowSampleParts.VlanTag))
        {
            json.WriteNumber("vlan", r.Vlan);
        }

        if (s.Has(SFlowSampleParts.Ip))
        {
            json.WriteString("srcAddr", r.SrcAddr.ToString());
            json.WriteString("dstAddr", r.DstAddr.ToString());
            json.WriteNumber("protocol", r.Protocol);
            json.WriteNumber("tos", r.Tos);
        }

        if (s.Has(SFlowSampleParts.IpLength))
        {
            json.WriteNumber("ipLength", s.IpLength);
        }

        if (s.Has(SFlowSampleParts.Ports))
        {
            json.WriteNumber("srcPort", r.SrcPort);
            json.WriteNumber("dstPort", r.DstPort);
        }

        if (s.Has(SFlowSampleParts.TcpFlags))
        {
            json.WriteNumber("tcpFlags", r.TcpFlags);
        }

        if (s.Has(SFlowSampleParts.Icmp))
        {
            json.WriteNumber("icmpType", s.IcmpType);
            json.WriteNumber("icmpCode", s.IcmpCode);
        }

        Flags(json, s.Parts);
        Extended(json, s);
        json.WriteEndObject();
    }

    public static void WriteCountersSample(Utf8JsonWriter json, in SFlowInterfaceCounters c)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteString("format", "sflow-counters");
        json.WriteString("sampleType", c.Expanded ? "expandedCounters" : "counters");
        Datagram(json, c.Agent, c.SubAgent, c.DatagramSequence, c.UptimeMs);
        json.WriteNumber("sampleSeq", c.SampleSequence);
        json.WriteNumber("sourceIdType", c.SourceIdType);
        json.WriteNumber("sourceIdIndex", c.SourceIdIndex);
        if (c.HasGeneric)
        {
            json.WriteNumber("ifIndex", c.IfIndex);
            json.WriteNumber("ifType", c.IfType);
            json.WriteNumber("ifSpeed", c.IfSpeed);
            json.WriteNumber("ifDirection", c.IfDirection);
            json.WriteNumber("ifStatus", c.IfStatus);
            json.WriteNumber("ifInOctets", c.InOctets);
            json.WriteNumber("ifInUcastPkts", c.InUcastPkts);
            json.WriteNumber("ifInMulticastPkts", c.InMulticastPkts);
            json.WriteNumber("ifInBroadcastPkts", c.InBroadcastPkts);
            json.WriteNumber("ifInDiscards", c.InDiscards);
            json.WriteNumber("ifInErrors", c.InErrors);
            json.WriteNumber("ifInUnknownProtos", c.InUnknownProtos);
            json.WriteNumber("ifOutOctets", c.OutOctets);
            json.WriteNumber("ifOutUcastPkts", c.OutUcastPkts);
            json.WriteNumber("ifOutMulticastPkts", c.OutMulticastPkts);
            json.WriteNumber("ifOutBroadcastPkts", c.OutBroadcastPkts);
            json.WriteNumber("ifOutDiscards", c.OutDiscards);
            json.WriteNumber("ifOutErrors", c.OutErrors);
            json.WriteNumber("ifPromiscuousMode", c.PromiscuousMode);
        }

        if (c.HasEthernet)
        {
            json.WriteNumber("dot3StatsAlignmentErrors", c.AlignmentErrors);
            json.WriteNumber("dot3StatsFCSErrors", c.FcsErrors);
            json.WriteNumber("dot3StatsSingleCollisionFrames", c.SingleCollisionFrames);
            json.WriteNumber("dot3StatsMultipleCollisionFrames", c.MultipleCollisionFrames);
            json.WriteNumber("dot3StatsSQETestErrors", c.SqeTestErrors);
            json.WriteNumber("dot3StatsDeferredTransmissions", c.DeferredTransmissions);
            json.WriteNumber("dot3StatsLateCollisions", c.LateCollisions);
            json.WriteNumber("dot3StatsExcessiveCollisions", c.ExcessiveCollisions);
            json.WriteNumber("dot3StatsInternalMacTransmitErrors", c.InternalMacTransmitErrors);
            json.WriteNumber("dot3StatsCarrierSenseErrors", c.CarrierSenseErrors);
            json.WriteNumber("dot3StatsFrameTooLongs", c.FrameTooLongs);
            json.WriteNumber("dot3StatsInternalMacReceiveErrors", c.InternalMacReceiveErrors);
            json.WriteNumber("dot3StatsSymbolErrors", c.SymbolErrors);
        }

        json.WriteEndObject();
    }

    private static void Datagram(Utf8JsonWriter json, FlowAddress agent, uint subAgent, uint sequence, uint uptime)
    {
        json.WriteString("exporter", agent.ToString());
        json.WriteNumber("subAgent", subAgent);
        json.WriteNumber("datagramSeq", sequence);
        json.WriteNumber("uptime", uptime);
    }

    /// <summary>One interface: <c>inIf</c> with its ifIndex, plus <c>inIfFormat</c> ("internal", "discarded" with <c>discardReason</c>, "multiple" with <c>inIfCount</c>) when it is not a plain one.</summary>
    private static void Interface(Utf8JsonWriter json, string name, SFlowInterface value)
    {
        switch (value.Format)
        {
            case SFlowInterfaceFormat.Index:
                json.WriteNumber(name, value.Value);
                if (value.IsInternal)
                {
                    json.WriteString(name + "Format", "internal");
                }

                break;
            case SFlowInterfaceFormat.Discarded:
                json.WriteString(name + "Format", "discarded");
                json.WriteNumber("discardReason", value.Value);
                break;
            case SFlowInterfaceFormat.Multiple:
                json.WriteString(name + "Format", "multiple");
                json.WriteNumber(name + "Count", value.Value);
                break;
            default:
                json.WriteString(name + "Format", "unknown");
                json.WriteNumber(name + "Value", value.Value);
                break;
        }
    }

    private static void Flags(Utf8JsonWriter json, SFlowSampleParts parts)
    {
        if ((parts & SFlowSampleParts.HeaderCutShort) != 0)
        {
            json.WriteBoolean("headerCutShort", true);
        }

        if ((parts & SFlowSampleParts.Mpls) != 0)
        {
            json.WriteBoolean("mpls", true);
        }

        if ((parts & SFlowSampleParts.Vxlan) != 0)
        {
            json.WriteBoolean("vxlan", true);
        }

        if ((parts & SFlowSampleParts.Fragment) != 0)
        {
            json.WriteBoolean("fragment", true);
        }
    }

    private static void Extended(Utf8JsonWriter json, in SFlowFlowSample s)
    {
        ref readonly var r = ref s.Record;
        if (s.Has(SFlowSampleParts.SwitchRecord))
        {
            json.WriteNumber("srcVlan", s.SrcVlan);
            json.WriteNumber("dstVlan", s.DstVlan);
            json.WriteNumber("srcPriority", s.SrcPriority);
            json.WriteNumber("dstPriority", s.DstPriority);
        }

        if (s.Has(SFlowSampleParts.RouterRecord) || s.Has(SFlowSampleParts.GatewayRecord))
        {
            json.WriteString("nextHop", r.NextHop.ToString());
        }

        if (s.Has(SFlowSampleParts.RouterRecord))
        {
            json.WriteNumber("srcMask", r.SrcMask);
            json.WriteNumber("dstMask", r.DstMask);
        }

        if (s.Has(SFlowSampleParts.GatewayRecord))
        {
            json.WriteNumber("srcAs", r.SrcAs);
            json.WriteNumber("dstAs", r.DstAs);
            json.WriteNumber("routerAs", s.RouterAs);
            json.WriteNumber("srcPeerAs", s.SrcPeerAs);
            json.WriteNumber("asPathLength", s.AsPathLength);
        }
    }
}
