using System.Buffers.Binary;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Flows;
using IE = FlowWeb.Core.Decoding.InformationElements;

namespace FlowWeb.Core.Encoding;

/// <summary>
/// Writes one v9/IPFIX data record field by field in template order. A value from <see cref="ElementValues"/>
/// wins; otherwise the element is taken from the <see cref="FlowRecord"/> (every element the decoder maps,
/// plus ipVersion 60 and samplingAlgorithm 35); anything else is zero-filled, as an exporter does for an
/// element it has no value for. Variable-length fields (RFC 7011 §7) use the 1-byte length prefix below 255
/// bytes and 0xFF + 2-byte length from 255 on.
/// </summary>
internal static class FlowRecordWriter
{
    private const long NtpToUnixSeconds = 2_208_988_800L;

    /// <summary>The record's encoded length, prefixes included.</summary>
    public static int Measure(FlowTemplate template, ElementValues? extra)
    {
        if (template.FixedLength >= 0)
        {
            return template.FixedLength;
        }

        var length = 0;
        foreach (var f in template.Fields)
        {
            length += f.IsVariableLength ? VariableLength(f, extra) : f.Length;
        }

        return length;
    }

    /// <summary>Writes the record into the start of <paramref name="destination"/>, which holds at least <see cref="Measure"/> bytes.</summary>
    public static int Write(Span<byte> destination, FlowTemplate template, in FlowRecord record, ElementValues? extra, in RecordContext context)
    {
        var pos = 0;
        var fields = template.Fields;
        var opaqueScopes = template.ScopesAreV9Types ? template.ScopeFieldCount : 0;
        for (var i = 0; i < fields.Length; i++)
        {
            var f = fields[i];
            if (f.IsVariableLength)
            {
                pos += WriteVariable(destination[pos..], f, extra);
                continue;
            }

            var slot = destination.Slice(pos, f.Length);
            pos += f.Length;
            if (extra is not null && extra.TryGet(f.ElementId, f.EnterpriseNumber, out var value, out var bytes, out var isBytes))
            {
                WriteExtra(slot, f, value, bytes, isBytes);
            }
            else if (i < opaqueScopes || f.IsEnterprise)
            {
                // v9 scope types (System, Interface...) are not elements; enterprise elements have no record field.
                slot.Clear();
            }
            else
            {
                WriteElement(slot, f.ElementId, record, context);
            }
        }

        return pos;
    }

    private static int VariableLength(TemplateField f, ElementValues? extra)
    {
        var length = 0;
        if (extra is not null && extra.TryGet(f.ElementId, f.EnterpriseNumber, out _, out var bytes, out var isBytes))
        {
            length = isBytes ? bytes.Length : 8;
        }

        return length + (length < 255 ? 1 : 3);
    }

    private static int WriteVariable(Span<byte> destination, TemplateField f, ElementValues? extra)
    {
        ulong value = 0;
        ReadOnlySpan<byte> bytes = default;
        var isBytes = true;
        extra?.TryGet(f.ElementId, f.EnterpriseNumber, out value, out bytes, out isBytes);
        var length = isBytes ? bytes.Length : 8;
        var writer = new WireWriter(destination);
        if (length < 255)
        {
            writer.WriteUInt8((byte)length);
        }
        else
        {
            writer.WriteUInt8(255);
            writer.WriteUInt16((ushort)length);
        }

        if (isBytes)
        {
            writer.WriteBytes(bytes);
        }
        else
        {
            WireWriter.WriteUnsigned(writer.Reserve(8), value);
        }

        return writer.Position;
    }

    private static void WriteExtra(Span<byte> slot, TemplateField f, ulong value, ReadOnlySpan<byte> bytes, bool isBytes)
    {
        if (!isBytes)
        {
            WireWriter.WriteUnsigned(slot, value);
            return;
        }

        if (bytes.Length != slot.Length)
        {
            throw new ArgumentException(
                $"Element {f.ElementId} (PEN {f.EnterpriseNumber}) was given {bytes.Length} bytes but its template field is {slot.Length} bytes long.");
        }

        bytes.CopyTo(slot);
    }

    private static void WriteElement(Span<byte> d, ushort id, in FlowRecord r, in RecordContext c)
    {
        switch (id)
        {
            case IE.OctetDeltaCount or IE.PostOctetDeltaCount or IE.OctetTotalCount: WireWriter.WriteUnsigned(d, r.Bytes); break;
            case IE.PacketDeltaCount or IE.PostPacketDeltaCount or IE.PacketTotalCount: WireWriter.WriteUnsigned(d, r.Packets); break;
            case IE.ProtocolIdentifier: WireWriter.WriteUnsigned(d, r.Protocol); break;
            case IE.IpClassOfService: WireWriter.WriteUnsigned(d, r.Tos); break;
            case IE.TcpControlBits: WireWriter.WriteUnsigned(d, r.TcpFlags); break;
            case IE.SourceTransportPort: WireWriter.WriteUnsigned(d, r.SrcPort); break;
            case IE.DestinationTransportPort: WireWriter.WriteUnsigned(d, r.DstPort); break;
            case IE.SourceIPv4Address or IE.SourceIPv6Address: WriteAddress(d, r.SrcAddr); break;
            case IE.DestinationIPv4Address or IE.DestinationIPv6Address: WriteAddress(d, r.DstAddr); break;
            case IE.IpNextHopIPv4Address or IE.IpNextHopIPv6Address: WriteAddress(d, r.NextHop); break;
            case IE.PostNatSourceIPv4Address or IE.PostNatSourceIPv6Address: WriteAddress(d, r.PostNatSrcAddr); break;
            case IE.PostNatDestinationIPv4Address or IE.PostNatDestinationIPv6Address: WriteAddress(d, r.PostNatDstAddr); break;
            case IE.SourceIPv4PrefixLength or IE.SourceIPv6PrefixLength: WireWriter.WriteUnsigned(d, r.SrcMask); break;
            case IE.DestinationIPv4PrefixLength or IE.DestinationIPv6PrefixLength: WireWriter.WriteUnsigned(d, r.DstMask); break;
            case IE.IngressInterface: WireWriter.WriteUnsigned(d, r.InIf); break;
            case IE.EgressInterface: WireWriter.WriteUnsigned(d, r.OutIf); break;
            case IE.BgpSourceAsNumber: WireWriter.WriteUnsigned(d, r.SrcAs); break;
            case IE.BgpDestinationAsNumber: WireWriter.WriteUnsigned(d, r.DstAs); break;
            case IE.IpVersion: WireWriter.WriteUnsigned(d, r.SrcAddr.IsIPv4 || r.SrcAddr.IsNone ? 4u : 6u); break;

            // Uptimes are taken in 32 bits: they wrap every 49.7 days on the exporter too.
            case IE.FlowStartSysUpTime: WireWriter.WriteUnsigned(d, (uint)(r.StartMs - c.BootTimeMs)); break;
            case IE.FlowEndSysUpTime: WireWriter.WriteUnsigned(d, (uint)(r.EndMs - c.BootTimeMs)); break;
            case IE.SystemInitTimeMilliseconds: WireWriter.WriteUnsigned(d, (ulong)c.BootTimeMs); break;
            case IE.FlowStartSeconds: WireWriter.WriteUnsigned(d, (ulong)(r.StartMs / 1000)); break;
            case IE.FlowEndSeconds: WireWriter.WriteUnsigned(d, (ulong)(r.EndMs / 1000)); break;
            case IE.FlowStartMilliseconds: WireWriter.WriteUnsigned(d, (ulong)r.StartMs); break;
            case IE.FlowEndMilliseconds: WireWriter.WriteUnsigned(d, (ulong)r.EndMs); break;
            case IE.FlowStartMicroseconds: WriteNtp(d, r.StartMs, microseconds: true); break;
            case IE.FlowEndMicroseconds: WriteNtp(d, r.EndMs, microseconds: true); break;
            case IE.FlowStartNanoseconds: WriteNtp(d, r.StartMs, microseconds: false); break;
            case IE.FlowEndNanoseconds: WriteNtp(d, r.EndMs, microseconds: false); break;
            case IE.FlowStartDeltaMicroseconds: WireWriter.WriteUnsigned(d, DeltaMicros(c.ExportMs, r.StartMs)); break;
            case IE.FlowEndDeltaMicroseconds: WireWriter.WriteUnsigned(d, DeltaMicros(c.ExportMs, r.EndMs)); break;

            case IE.SamplingInterval or IE.SamplerRandomInterval: WireWriter.WriteUnsigned(d, r.SamplingRate); break;

            // RouterOS samples "interval packets, skip space" — deterministic (1); 0 = not sampled.
            case IE.SamplingAlgorithm: WireWriter.WriteUnsigned(d, r.SamplingRate > 1 ? 1u : 0u); break;

            // rate = (interval + space) / interval: interval 1 makes the rate exact.
            case IE.SamplingPacketInterval: WireWriter.WriteUnsigned(d, 1); break;
            case IE.SamplingPacketSpace: WireWriter.WriteUnsigned(d, r.SamplingRate > 1 ? r.SamplingRate - 1 : 0); break;

            case IE.SourceMacAddress: WireWriter.WriteUnsigned(d, r.SrcMac); break;
            case IE.DestinationMacAddress: WireWriter.WriteUnsigned(d, r.DstMac); break;
            case IE.VlanId: WireWriter.WriteUnsigned(d, r.Vlan); break;
            case IE.FlowDirection: WireWriter.WriteUnsigned(d, r.Direction); break;
            case IE.FlowEndReason: WireWriter.WriteUnsigned(d, r.EndReason); break;
            case IE.PostNaptSourceTransportPort: WireWriter.WriteUnsigned(d, r.PostNatSrcPort); break;
            case IE.PostNaptDestinationTransportPort: WireWriter.WriteUnsigned(d, r.PostNatDstPort); break;
            case IE.NatEvent: WireWriter.WriteUnsigned(d, r.NatEvent); break;
            default: d.Clear(); break;
        }
    }

    /// <summary>4 bytes: the IPv4 address (0.0.0.0 for an IPv6 one); 16 bytes: the address, IPv4 as ::ffff:a.b.c.d; other lengths: zeros.</summary>
    private static void WriteAddress(Span<byte> d, FlowAddress address)
    {
        if (d.Length == 4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(d, address.IsIPv4 ? address.IPv4Value : 0);
        }
        else if (d.Length == 16)
        {
            address.WriteBytes(d);
        }
        else
        {
            d.Clear();
        }
    }

    /// <summary>
    /// NTP timestamp (RFC 7011 §6.1.9/10): seconds since 1900 and a binary fraction. The fraction is rounded up
    /// so that a reader truncating it back to milliseconds gets the same millisecond; microsecond elements keep
    /// the low 11 bits zero as the RFC asks.
    /// </summary>
    private static void WriteNtp(Span<byte> d, long unixMs, bool microseconds)
    {
        if (d.Length != 8)
        {
            d.Clear();
            return;
        }

        var seconds = Math.DivRem(unixMs, 1000, out var millis);
        if (millis < 0)
        {
            seconds--;
            millis += 1000;
        }

        var fraction = (((ulong)millis << 32) + 999) / 1000;
        if (microseconds)
        {
            fraction = (fraction + 0x7FF) & ~0x7FFUL;
        }

        BinaryPrimitives.WriteUInt32BigEndian(d, (uint)(seconds + NtpToUnixSeconds));
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], (uint)fraction);
    }

    /// <summary>Microseconds before the export time; a time after the export second (it has no sub-second part) becomes 0.</summary>
    private static ulong DeltaMicros(long exportMs, long timeMs) => timeMs >= exportMs ? 0 : (ulong)(exportMs - timeMs) * 1000;
}
