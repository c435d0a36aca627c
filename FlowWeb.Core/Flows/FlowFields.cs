using FlowWeb.Core.Decoding.Templates;
using IE = FlowWeb.Core.Decoding.InformationElements;

namespace FlowWeb.Core.Flows;

/// <summary>Which <see cref="FlowRecord"/> fields a record actually carries (the rest are zero because the exporter did not send them).</summary>
[Flags]
public enum FlowFields : uint
{
    None = 0,
    SrcAddr = 1 << 0,
    DstAddr = 1 << 1,
    SrcPort = 1 << 2,
    DstPort = 1 << 3,
    Protocol = 1 << 4,
    Bytes = 1 << 5,
    Packets = 1 << 6,
    TcpFlags = 1 << 7,
    Tos = 1 << 8,
    InIf = 1 << 9,
    OutIf = 1 << 10,
    NextHop = 1 << 11,
    SrcAs = 1 << 12,
    DstAs = 1 << 13,
    SrcMask = 1 << 14,
    DstMask = 1 << 15,
    PostNatSrcAddr = 1 << 16,
    PostNatDstAddr = 1 << 17,
    PostNatSrcPort = 1 << 18,
    PostNatDstPort = 1 << 19,
    Vlan = 1 << 20,
    SrcMac = 1 << 21,
    DstMac = 1 << 22,
    Direction = 1 << 23,
    NatEvent = 1 << 24,
    EndReason = 1 << 25,

    V1 = SrcAddr | DstAddr | SrcPort | DstPort | Protocol | Bytes | Packets | TcpFlags | Tos | InIf | OutIf | NextHop,
    V5 = V1 | SrcAs | DstAs | SrcMask | DstMask,

    /// <summary>What an sFlow record can carry (each sample says which it does; see SFlowFlowSample.Parts).</summary>
    SFlow = V5 | Vlan | SrcMac | DstMac,
}

public static class FlowFieldsOf
{
    /// <summary>The fields a template's records carry.</summary>
    public static FlowFields Template(FlowTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var result = FlowFields.None;
        var opaque = template.ScopesAreV9Types ? template.ScopeFieldCount : 0;
        for (var i = opaque; i < template.Fields.Length; i++)
        {
            var f = template.Fields[i];
            if (!f.IsEnterprise && f.Length != 0)
            {
                result |= Element(f.ElementId);
            }
        }

        return result;
    }

    /// <summary>The fields a record carries, given the batch it is in.</summary>
    public static FlowFields Record(FlowBatch batch, in FlowRecord record)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var template = batch.TemplateOf(record);
        return template is not null ? Template(template) : record.Version switch
        {
            1 => FlowFields.V1,
            Decoding.SFlow.SFlowDatagram.Version => FlowFields.SFlow,
            _ => FlowFields.V5,
        };
    }

    private static FlowFields Element(ushort id) => id switch
    {
        IE.SourceIPv4Address or IE.SourceIPv6Address => FlowFields.SrcAddr,
        IE.DestinationIPv4Address or IE.DestinationIPv6Address => FlowFields.DstAddr,
        IE.SourceTransportPort => FlowFields.SrcPort,
        IE.DestinationTransportPort => FlowFields.DstPort,
        IE.ProtocolIdentifier => FlowFields.Protocol,
        IE.OctetDeltaCount or IE.OctetTotalCount or IE.PostOctetDeltaCount => FlowFields.Bytes,
        IE.PacketDeltaCount or IE.PacketTotalCount or IE.PostPacketDeltaCount => FlowFields.Packets,
        IE.TcpControlBits => FlowFields.TcpFlags,
        IE.IpClassOfService => FlowFields.Tos,
        IE.IngressInterface => FlowFields.InIf,
        IE.EgressInterface => FlowFields.OutIf,
        IE.IpNextHopIPv4Address or IE.IpNextHopIPv6Address => FlowFields.NextHop,
        IE.BgpSourceAsNumber => FlowFields.SrcAs,
        IE.BgpDestinationAsNumber => FlowFields.DstAs,
        IE.SourceIPv4PrefixLength or IE.SourceIPv6PrefixLength => FlowFields.SrcMask,
        IE.DestinationIPv4PrefixLength or IE.DestinationIPv6PrefixLength => FlowFields.DstMask,
        IE.PostNatSourceIPv4Address or IE.PostNatSourceIPv6Address => FlowFields.PostNatSrcAddr,
        IE.PostNatDestinationIPv4Address or IE.PostNatDestinationIPv6Address => FlowFields.PostNatDstAddr,
        IE.PostNaptSourceTransportPort => FlowFields.PostNatSrcPort,
        IE.PostNaptDestinationTransportPort => FlowFields.PostNatDstPort,
        IE.VlanId => FlowFields.Vlan,
        IE.SourceMacAddress => FlowFields.SrcMac,
        IE.DestinationMacAddress => FlowFields.DstMac,
        IE.FlowDirection => FlowFields.Direction,
        IE.NatEvent => FlowFields.NatEvent,
        IE.FlowEndReason => FlowFields.EndReason,
        _ => FlowFields.None,
    };
}
