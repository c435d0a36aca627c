using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FlowWeb.Core.Flows;
using IE = FlowWeb.Core.Decoding.InformationElements;

namespace FlowWeb.Core.Decoding.Templates;

internal enum FieldTarget : byte
{
    Skip,
    Bytes, Packets, PostBytes, PostPackets, TotalBytes, TotalPackets,
    Protocol, Tos, TcpFlags, SrcPort, DstPort,
    SrcV4, DstV4, SrcV6, DstV6, SrcMask, DstMask, NextHopV4, NextHopV6,
    InIf, OutIf, SrcAs, DstAs,
    StartUptime, EndUptime, StartSeconds, EndSeconds, StartMs, EndMs, StartNtp, EndNtp,
    StartDeltaMicros, EndDeltaMicros, SystemInit,
    SamplingInterval, SamplerId, SamplerRandomInterval, SamplingPacketInterval, SamplingPacketSpace,
    SrcMac, DstMac, Vlan, Direction, EndReason,
    PostNatSrcV4, PostNatDstV4, PostNatSrcV6, PostNatDstV6, PostNatSrcPort, PostNatDstPort, NatEvent,
}

/// <summary>Values of a record that need the packet's context (times, sampling) before they become fields.</summary>
internal struct RecordExtras
{
    public const uint HasBytes = 1, HasPackets = 2, HasPostBytes = 4, HasPostPackets = 8, HasTotalBytes = 16,
        HasTotalPackets = 32, HasStartUptime = 64, HasEndUptime = 128, HasStartAbs = 256, HasEndAbs = 512,
        HasSystemInit = 1024, HasSamplingInterval = 2048, HasSamplerId = 4096, HasPacketInterval = 8192,
        HasStartDelta = 16384, HasEndDelta = 32768;

    public uint Present;
    public ulong PostBytes, PostPackets, TotalBytes, TotalPackets;
    public uint StartUptime, EndUptime;
    public long StartAbsMs, EndAbsMs, SystemInitMs;
    public ulong StartDeltaMicros, EndDeltaMicros;
    public ulong SamplingInterval;
    public ulong SamplerId;
    public ulong PacketInterval, PacketSpace;
    public bool SamplingLittleEndian;
}

/// <param name="Offset">The field's offset in a fixed-length record; -1 in a program with variable-length fields.</param>
/// <param name="EndsPastEight">Fixed records only: a number of at most 8 bytes ending at least 8 bytes into the record,
/// read as the last 8 bytes up to its end (one load, no switch on its length).</param>
internal readonly record struct FieldOp(FieldTarget Target, int Offset, ushort Length, bool EndsPastEight = false);

/// <summary>
/// A template compiled once into the list of fields the decoders actually use, with their offsets, so that
/// decoding a record is one tight loop over a few operations and no lookup per field.
/// </summary>
internal sealed class FieldProgram
{
    private const long NtpToUnixSeconds = 2_208_988_800L;

    private FieldProgram(FieldOp[] ops, bool isFixed, int fixedLength, bool straightPass)
    {
        Ops = ops;
        IsFixed = isFixed;
        _fixedLength = fixedLength;
        _rest = ops;
        if (isFixed && straightPass)
        {
            _fixed = FixedFields.Take(ops, out _rest);
        }
    }

    // A fixed program's common fields, read in one pass without a jump per field, and the operations left for the loop.
    private readonly FixedFields? _fixed;
    private readonly FieldOp[] _rest;

    // The length of a fixed record: every op's field lies within it.
    private readonly int _fixedLength;

    public FieldOp[] Ops { get; }

    /// <summary>Fixed programs hold only the used fields with absolute offsets; variable ones hold every field in order.</summary>
    public bool IsFixed { get; }

    /// <param name="fields">The template's fields.</param>
    /// <param name="opaqueLeadingFields">Leading fields that are not elements (v9 options scopes) and are only skipped.</param>
    /// <param name="straightPass">Read a fixed template's common fields in <see cref="FixedFields"/>' pass (false: every field in the loop, for tests).</param>
    public static FieldProgram Compile(TemplateField[] fields, int opaqueLeadingFields = 0, bool straightPass = true)
    {
        var isFixed = !fields.Any(f => f.IsVariableLength);
        var ops = new List<FieldOp>(fields.Length);
        var offset = 0;
        for (var i = 0; i < fields.Length; i++)
        {
            var f = fields[i];
            var target = i < opaqueLeadingFields || f.IsEnterprise || f.IsVariableLength || f.Length == 0
                ? FieldTarget.Skip
                : TargetOf(f.ElementId, f.Length);
            if (!isFixed || target != FieldTarget.Skip)
            {
                ops.Add(new FieldOp(target, isFixed ? offset : -1, f.Length, isFixed && f.Length <= 8 && offset + f.Length >= 8));
            }

            offset += f.IsVariableLength ? 0 : f.Length;
        }

        return new FieldProgram([.. ops], isFixed, isFixed ? offset : 0, straightPass);
    }

    private static FieldTarget TargetOf(ushort id, ushort length)
    {
        var numeric = length <= 8;
        return id switch
        {
            IE.OctetDeltaCount when numeric => FieldTarget.Bytes,
            IE.PacketDeltaCount when numeric => FieldTarget.Packets,
            IE.PostOctetDeltaCount when numeric => FieldTarget.PostBytes,
            IE.PostPacketDeltaCount when numeric => FieldTarget.PostPackets,
            IE.OctetTotalCount when numeric => FieldTarget.TotalBytes,
            IE.PacketTotalCount when numeric => FieldTarget.TotalPackets,
            IE.ProtocolIdentifier when numeric => FieldTarget.Protocol,
            IE.IpClassOfService when numeric => FieldTarget.Tos,
            IE.TcpControlBits when numeric => FieldTarget.TcpFlags,
            IE.SourceTransportPort when numeric => FieldTarget.SrcPort,
            IE.DestinationTransportPort when numeric => FieldTarget.DstPort,
            IE.SourceIPv4Address when length == 4 => FieldTarget.SrcV4,
            IE.DestinationIPv4Address when length == 4 => FieldTarget.DstV4,
            IE.SourceIPv6Address when length == 16 => FieldTarget.SrcV6,
            IE.DestinationIPv6Address when length == 16 => FieldTarget.DstV6,
            IE.SourceIPv4PrefixLength or IE.SourceIPv6PrefixLength when numeric => FieldTarget.SrcMask,
            IE.DestinationIPv4PrefixLength or IE.DestinationIPv6PrefixLength when numeric => FieldTarget.DstMask,
            IE.IpNextHopIPv4Address when length == 4 => FieldTarget.NextHopV4,
            IE.IpNextHopIPv6Address when length == 16 => FieldTarget.NextHopV6,
            IE.IngressInterface when numeric => FieldTarget.InIf,
            IE.EgressInterface when numeric => FieldTarget.OutIf,
            IE.BgpSourceAsNumber when numeric => FieldTarget.SrcAs,
            IE.BgpDestinationAsNumber when numeric => FieldTarget.DstAs,
            IE.FlowStartSysUpTime when numeric => FieldTarget.StartUptime,
            IE.FlowEndSysUpTime when numeric => FieldTarget.EndUptime,
            IE.FlowStartSeconds when numeric => FieldTarget.StartSeconds,
            IE.FlowEndSeconds when numeric => FieldTarget.EndSeconds,
            IE.FlowStartMilliseconds when numeric => FieldTarget.StartMs,
            IE.FlowEndMilliseconds when numeric => FieldTarget.EndMs,
            IE.FlowStartMicroseconds or IE.FlowStartNanoseconds when length == 8 => FieldTarget.StartNtp,
            IE.FlowEndMicroseconds or IE.FlowEndNanoseconds when length == 8 => FieldTarget.EndNtp,
            IE.FlowStartDeltaMicroseconds when numeric => FieldTarget.StartDeltaMicros,
            IE.FlowEndDeltaMicroseconds when numeric => FieldTarget.EndDeltaMicros,
            IE.SystemInitTimeMilliseconds when numeric => FieldTarget.SystemInit,
            IE.SamplingInterval or IE.SamplerRandomInterval when numeric => FieldTarget.SamplingInterval,
            IE.SamplerId or IE.SelectorId when numeric => FieldTarget.SamplerId,
            IE.SamplingPacketInterval when numeric => FieldTarget.SamplingPacketInterval,
            IE.SamplingPacketSpace when numeric => FieldTarget.SamplingPacketSpace,
            IE.SourceMacAddress when length == 6 => FieldTarget.SrcMac,
            IE.DestinationMacAddress when length == 6 => FieldTarget.DstMac,
            IE.VlanId when numeric => FieldTarget.Vlan,
            IE.FlowDirection when numeric => FieldTarget.Direction,
            IE.FlowEndReason when numeric => FieldTarget.EndReason,
            IE.PostNatSourceIPv4Address or IE.NselXlateSourceAddressIPv4 when length == 4 => FieldTarget.PostNatSrcV4,
            IE.PostNatDestinationIPv4Address or IE.NselXlateDestinationAddressIPv4 when length == 4 => FieldTarget.PostNatDstV4,
            IE.PostNatSourceIPv6Address when length == 16 => FieldTarget.PostNatSrcV6,
            IE.PostNatDestinationIPv6Address when length == 16 => FieldTarget.PostNatDstV6,
            IE.PostNaptSourceTransportPort or IE.NselXlateSourcePort when numeric => FieldTarget.PostNatSrcPort,
            IE.PostNaptDestinationTransportPort or IE.NselXlateDestinationPort when numeric => FieldTarget.PostNatDstPort,
            IE.NatEvent when numeric => FieldTarget.NatEvent,
            _ => FieldTarget.Skip,
        };
    }

    /// <summary>Decodes one fixed-length record; <paramref name="data"/> holds at least the template's fixed length.</summary>
    public void DecodeFixed(ReadOnlySpan<byte> data, ref FlowRecord r, ref RecordExtras x)
    {
        // One check for the whole record, none per field: Compile placed every field within the fixed length. A
        // number ending 8 or more bytes into the record is read as the 8 bytes up to its end, masked to its length:
        // one load and a byte swap instead of a switch on the length.
        if (data.Length < _fixedLength)
        {
            throw new ArgumentException($"A record of this template takes {_fixedLength} bytes, not {data.Length}.", nameof(data));
        }

        ref var first = ref MemoryMarshal.GetReference(data);
        _fixed?.Decode(ref first, ref r, ref x);
        foreach (var op in _rest)
        {
            var v = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref first, op.Offset), op.Length);
            var n = op.EndsPastEight
                ? BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref first, op.Offset + op.Length - 8))) & (ulong.MaxValue >> (64 - (8 * op.Length)))
                : Number(v);
            Apply(op.Target, v, n, ref r, ref x);
        }
    }

    /// <summary>Decodes one record with variable-length fields (RFC 7011 §7); returns its length or -1 when it runs past <paramref name="data"/>.</summary>
    public int DecodeVariable(ReadOnlySpan<byte> data, ref FlowRecord r, ref RecordExtras x)
    {
        var pos = 0;
        foreach (var op in Ops)
        {
            int length = op.Length;
            if (length == TemplateField.VariableLength)
            {
                if (!TryReadVariableLength(data, ref pos, out length))
                {
                    return -1;
                }
            }

            if ((uint)(pos + length) > (uint)data.Length)
            {
                return -1;
            }

            if (op.Target != FieldTarget.Skip)
            {
                var v = data.Slice(pos, length);
                Apply(op.Target, v, Number(v), ref r, ref x);
            }

            pos += length;
        }

        return pos;
    }

    /// <summary>Reads the 1-byte or 0xFF + 2-byte length prefix of a variable-length field.</summary>
    public static bool TryReadVariableLength(ReadOnlySpan<byte> data, ref int pos, out int length)
    {
        length = 0;
        if (pos >= data.Length)
        {
            return false;
        }

        length = data[pos++];
        if (length == 255)
        {
            if (pos + 2 > data.Length)
            {
                return false;
            }

            length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            pos += 2;
        }

        return true;
    }

    // Inlined into both decode loops: a call per field (and another to read its number) was a third of decoding a v9 record.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Apply(FieldTarget target, ReadOnlySpan<byte> v, ulong n, ref FlowRecord r, ref RecordExtras x)
    {
        switch (target)
        {
            case FieldTarget.Bytes: r.Bytes = n; x.Present |= RecordExtras.HasBytes; break;
            case FieldTarget.Packets: r.Packets = n; x.Present |= RecordExtras.HasPackets; break;
            case FieldTarget.PostBytes: x.PostBytes = n; x.Present |= RecordExtras.HasPostBytes; break;
            case FieldTarget.PostPackets: x.PostPackets = n; x.Present |= RecordExtras.HasPostPackets; break;
            case FieldTarget.TotalBytes: x.TotalBytes = n; x.Present |= RecordExtras.HasTotalBytes; break;
            case FieldTarget.TotalPackets: x.TotalPackets = n; x.Present |= RecordExtras.HasTotalPackets; break;
            case FieldTarget.Protocol: r.Protocol = (byte)n; break;
            case FieldTarget.Tos: r.Tos = (byte)n; break;
            case FieldTarget.TcpFlags: r.TcpFlags = (ushort)n; break;
            case FieldTarget.SrcPort: r.SrcPort = (ushort)n; break;
            case FieldTarget.DstPort: r.DstPort = (ushort)n; break;
            case FieldTarget.SrcV4: SetIPv4(ref r.SrcAddr, v); break;
            case FieldTarget.DstV4: SetIPv4(ref r.DstAddr, v); break;
            case FieldTarget.SrcV6: SetIPv6(ref r.SrcAddr, v); break;
            case FieldTarget.DstV6: SetIPv6(ref r.DstAddr, v); break;
            case FieldTarget.SrcMask: r.SrcMask = (byte)n; break;
            case FieldTarget.DstMask: r.DstMask = (byte)n; break;
            case FieldTarget.NextHopV4: SetIPv4(ref r.NextHop, v); break;
            case FieldTarget.NextHopV6: SetIPv6(ref r.NextHop, v); break;
            case FieldTarget.InIf: r.InIf = (uint)n; break;
            case FieldTarget.OutIf: r.OutIf = (uint)n; break;
            case FieldTarget.SrcAs: r.SrcAs = (uint)n; break;
            case FieldTarget.DstAs: r.DstAs = (uint)n; break;
            case FieldTarget.StartUptime: x.StartUptime = (uint)n; x.Present |= RecordExtras.HasStartUptime; break;
            case FieldTarget.EndUptime: x.EndUptime = (uint)n; x.Present |= RecordExtras.HasEndUptime; break;
            case FieldTarget.StartSeconds: x.StartAbsMs = (long)n * 1000; x.Present |= RecordExtras.HasStartAbs; break;
            case FieldTarget.EndSeconds: x.EndAbsMs = (long)n * 1000; x.Present |= RecordExtras.HasEndAbs; break;
            case FieldTarget.StartMs: x.StartAbsMs = (long)n; x.Present |= RecordExtras.HasStartAbs; break;
            case FieldTarget.EndMs: x.EndAbsMs = (long)n; x.Present |= RecordExtras.HasEndAbs; break;
            case FieldTarget.StartNtp: x.StartAbsMs = NtpToUnixMs(v); x.Present |= RecordExtras.HasStartAbs; break;
            case FieldTarget.EndNtp: x.EndAbsMs = NtpToUnixMs(v); x.Present |= RecordExtras.HasEndAbs; break;
            case FieldTarget.StartDeltaMicros: x.StartDeltaMicros = n; x.Present |= RecordExtras.HasStartDelta; break;
            case FieldTarget.EndDeltaMicros: x.EndDeltaMicros = n; x.Present |= RecordExtras.HasEndDelta; break;
            case FieldTarget.SystemInit: x.SystemInitMs = (long)n; x.Present |= RecordExtras.HasSystemInit; break;
            case FieldTarget.SamplingInterval: ReadSamplingInterval(n, v, ref x); break;
            case FieldTarget.SamplerId: x.SamplerId = n; x.Present |= RecordExtras.HasSamplerId; break;
            case FieldTarget.SamplingPacketInterval: x.PacketInterval = n; x.Present |= RecordExtras.HasPacketInterval; break;
            case FieldTarget.SamplingPacketSpace: x.PacketSpace = n; break;
            case FieldTarget.SrcMac: r.SrcMac = n; break;
            case FieldTarget.DstMac: r.DstMac = n; break;
            case FieldTarget.Vlan: r.Vlan = (ushort)n; break;
            case FieldTarget.Direction: r.Direction = (byte)n; break;
            case FieldTarget.EndReason: r.EndReason = (byte)n; break;
            case FieldTarget.PostNatSrcV4: SetIPv4(ref r.PostNatSrcAddr, v); r.Flags |= FlowRecordFlags.HasNat; break;
            case FieldTarget.PostNatDstV4: SetIPv4(ref r.PostNatDstAddr, v); r.Flags |= FlowRecordFlags.HasNat; break;
            case FieldTarget.PostNatSrcV6: SetIPv6(ref r.PostNatSrcAddr, v); r.Flags |= FlowRecordFlags.HasNat; break;
            case FieldTarget.PostNatDstV6: SetIPv6(ref r.PostNatDstAddr, v); r.Flags |= FlowRecordFlags.HasNat; break;
            case FieldTarget.PostNatSrcPort: r.PostNatSrcPort = (ushort)n; r.Flags |= FlowRecordFlags.HasNat; break;
            case FieldTarget.PostNatDstPort: r.PostNatDstPort = (ushort)n; r.Flags |= FlowRecordFlags.HasNat; break;
            case FieldTarget.NatEvent: r.NatEvent = (byte)n; break;
            default: break;
        }
    }

    /// <summary>A field as a number: every numeric target is at most 8 bytes (TargetOf); addresses and MACs are read as what they are.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Number(ReadOnlySpan<byte> v) => v.Length <= 8 ? WireReader.ReadUnsigned(v) : 0;

    /// <summary>
    /// Some exporters use one template for both families, with sourceIPv4Address and sourceIPv6Address (and the
    /// same for destination, next hop and post-NAT) in every record and the other family zero-filled. The family
    /// actually filled wins whatever the field order: a zero-filled IPv6 field never replaces an address, and a
    /// zero-filled IPv4 field never replaces an IPv6 address read before it. Both zero gives 0.0.0.0 when the
    /// template has an IPv4 field, :: otherwise (the record's default).
    /// </summary>
    private static void SetIPv4(ref FlowAddress slot, ReadOnlySpan<byte> v)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(v) != 0 || slot.IsNone || slot.IsIPv4)
        {
            slot = FlowAddress.FromIPv4(v);
        }
    }

    internal static void SetIPv6(ref FlowAddress slot, ReadOnlySpan<byte> v)
    {
        if ((BinaryPrimitives.ReadUInt64LittleEndian(v) | BinaryPrimitives.ReadUInt64LittleEndian(v[8..])) != 0)
        {
            slot = FlowAddress.FromIPv6(v);
        }
    }

    /// <summary>
    /// RouterOS 6 writes samplingInterval (34) into data records in little-endian order (protocols.md §2.3):
    /// a 4-byte 100 arrives as 0x64000000. We keep the big-endian value unless it is above 65535 while its
    /// byte-swapped reading is a plausible 1..65535 — real sampling intervals above 65535 are unheard of.
    /// The record is flagged so the swap is visible; a sensor's fixed rate overrides both.
    /// </summary>
    private static void ReadSamplingInterval(ulong value, ReadOnlySpan<byte> v, ref RecordExtras x)
    {
        if (value > 0xFFFF && v.Length > 1)
        {
            var swapped = WireReader.ReadUnsignedLittleEndian(v);
            if (swapped is > 0 and <= 0xFFFF)
            {
                value = swapped;
                x.SamplingLittleEndian = true;
            }
        }

        x.SamplingInterval = value;
        x.Present |= RecordExtras.HasSamplingInterval;
    }

    private static long NtpToUnixMs(ReadOnlySpan<byte> v)
    {
        long seconds = BinaryPrimitives.ReadUInt32BigEndian(v);
        ulong fraction = BinaryPrimitives.ReadUInt32BigEndian(v[4..]);
        return ((seconds - NtpToUnixSeconds) * 1000) + (long)((fraction * 1000) >> 32);
    }
}
