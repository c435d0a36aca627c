using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding.Templates;

/// <summary>
/// Where a fixed-length template keeps the fields nearly every template has (counts, the 5-tuple, addresses, masks,
/// interfaces, AS numbers, times), read in one straight pass with a branch per field that is always taken the same way for the
/// template. <see cref="FieldProgram"/>'s loop over its operations took an indirect jump per field, which the CPU
/// mispredicted often enough to be most of the loop's time (IPFIX at 900,000 flows/s: a third of the loop's samples
/// on the jump). Only a field whose destination no other field of the template writes comes here: a template with
/// the same element twice, or with both address families or two time formats for the same value, keeps those in the
/// loop, in template order, so the last one still wins as before.
/// </summary>
internal sealed class FixedFields
{
    private FieldAt _bytes = FieldAt.Absent, _packets = FieldAt.Absent, _protocol = FieldAt.Absent, _tos = FieldAt.Absent;
    private FieldAt _tcpFlags = FieldAt.Absent, _srcPort = FieldAt.Absent, _dstPort = FieldAt.Absent;
    private FieldAt _srcV4 = FieldAt.Absent, _dstV4 = FieldAt.Absent, _srcV6 = FieldAt.Absent, _dstV6 = FieldAt.Absent;
    private FieldAt _nextHopV4 = FieldAt.Absent, _nextHopV6 = FieldAt.Absent, _srcMask = FieldAt.Absent, _dstMask = FieldAt.Absent;
    private FieldAt _inIf = FieldAt.Absent, _outIf = FieldAt.Absent, _srcAs = FieldAt.Absent, _dstAs = FieldAt.Absent, _startUptime = FieldAt.Absent, _endUptime = FieldAt.Absent;
    private FieldAt _startMs = FieldAt.Absent, _endMs = FieldAt.Absent;

    private FixedFields()
    {
    }

    /// <summary>
    /// Takes the operations this pass can read out of <paramref name="ops"/> (a fixed program's, absolute offsets) and
    /// returns the rest, in their order; null when none could be taken.
    /// </summary>
    public static FixedFields? Take(FieldOp[] ops, out FieldOp[] rest)
    {
        // How many fields write each destination: one pass, so a template of thousands of fields (an exporter's to choose)
        // costs its length, not its square.
        Span<int> writers = stackalloc int[256];
        writers.Clear();
        foreach (var op in ops)
        {
            writers[(byte)DestinationOf(op.Target)]++;
        }

        var fields = new FixedFields();
        var left = new List<FieldOp>(ops.Length);
        var taken = 0;
        foreach (var op in ops)
        {
            if (writers[(byte)DestinationOf(op.Target)] == 1 && fields.TryPlace(op))
            {
                taken++;
            }
            else
            {
                left.Add(op);
            }
        }

        rest = [.. left];
        return taken == 0 ? null : fields;
    }

    /// <summary>What a target writes: targets that write the same value (an address of either family, a time in any unit) share one.</summary>
    private static FieldTarget DestinationOf(FieldTarget target) => target switch
    {
        FieldTarget.SrcV6 => FieldTarget.SrcV4,
        FieldTarget.DstV6 => FieldTarget.DstV4,
        FieldTarget.NextHopV6 => FieldTarget.NextHopV4,
        FieldTarget.StartSeconds or FieldTarget.StartNtp => FieldTarget.StartMs,
        FieldTarget.EndSeconds or FieldTarget.EndNtp => FieldTarget.EndMs,
        _ => target,
    };

    private bool TryPlace(FieldOp op)
    {
        var at = new FieldAt(op);
        switch (op.Target)
        {
            case FieldTarget.Bytes: _bytes = at; return true;
            case FieldTarget.Packets: _packets = at; return true;
            case FieldTarget.Protocol: _protocol = at; return true;
            case FieldTarget.Tos: _tos = at; return true;
            case FieldTarget.TcpFlags: _tcpFlags = at; return true;
            case FieldTarget.SrcPort: _srcPort = at; return true;
            case FieldTarget.DstPort: _dstPort = at; return true;
            case FieldTarget.SrcV4: _srcV4 = at; return true;
            case FieldTarget.DstV4: _dstV4 = at; return true;
            case FieldTarget.SrcV6: _srcV6 = at; return true;
            case FieldTarget.DstV6: _dstV6 = at; return true;
            case FieldTarget.NextHopV4: _nextHopV4 = at; return true;
            case FieldTarget.NextHopV6: _nextHopV6 = at; return true;
            case FieldTarget.SrcMask: _srcMask = at; return true;
            case FieldTarget.DstMask: _dstMask = at; return true;
            case FieldTarget.InIf: _inIf = at; return true;
            case FieldTarget.OutIf: _outIf = at; return true;
            case FieldTarget.SrcAs: _srcAs = at; return true;
            case FieldTarget.DstAs: _dstAs = at; return true;
            case FieldTarget.StartUptime: _startUptime = at; return true;
            case FieldTarget.EndUptime: _endUptime = at; return true;
            case FieldTarget.StartMs: _startMs = at; return true;
            case FieldTarget.EndMs: _endMs = at; return true;
            default: return false;
        }
    }

    /// <summary>Reads the fields taken; <paramref name="first"/> is the record's first byte, and the record holds every one of them.</summary>
    public void Decode(ref byte first, ref FlowRecord r, ref RecordExtras x)
    {
        if (_bytes.IsPresent)
        {
            r.Bytes = _bytes.Number(ref first);
            x.Present |= RecordExtras.HasBytes;
        }

        if (_packets.IsPresent)
        {
            r.Packets = _packets.Number(ref first);
            x.Present |= RecordExtras.HasPackets;
        }

        if (_protocol.IsPresent)
        {
            r.Protocol = (byte)_protocol.Number(ref first);
        }

        if (_tos.IsPresent)
        {
            r.Tos = (byte)_tos.Number(ref first);
        }

        if (_tcpFlags.IsPresent)
        {
            r.TcpFlags = (ushort)_tcpFlags.Number(ref first);
        }

        if (_srcPort.IsPresent)
        {
            r.SrcPort = (ushort)_srcPort.Number(ref first);
        }

        if (_dstPort.IsPresent)
        {
            r.DstPort = (ushort)_dstPort.Number(ref first);
        }

        // The only field for its address: FieldProgram's rules for mixed families do not arise, except that an all-zero
        // IPv6 address leaves the record's default (::), as there.
        if (_srcV4.IsPresent)
        {
            r.SrcAddr = FlowAddress.FromIPv4(_srcV4.Bytes(ref first));
        }

        if (_dstV4.IsPresent)
        {
            r.DstAddr = FlowAddress.FromIPv4(_dstV4.Bytes(ref first));
        }

        if (_srcV6.IsPresent)
        {
            FieldProgram.SetIPv6(ref r.SrcAddr, _srcV6.Bytes(ref first));
        }

        if (_dstV6.IsPresent)
        {
            FieldProgram.SetIPv6(ref r.DstAddr, _dstV6.Bytes(ref first));
        }

        if (_nextHopV4.IsPresent)
        {
            r.NextHop = FlowAddress.FromIPv4(_nextHopV4.Bytes(ref first));
        }

        if (_nextHopV6.IsPresent)
        {
            FieldProgram.SetIPv6(ref r.NextHop, _nextHopV6.Bytes(ref first));
        }

        if (_srcMask.IsPresent)
        {
            r.SrcMask = (byte)_srcMask.Number(ref first);
        }

        if (_dstMask.IsPresent)
        {
            r.DstMask = (byte)_dstMask.Number(ref first);
        }

        if (_inIf.IsPresent)
        {
            r.InIf = (uint)_inIf.Number(ref first);
        }

        if (_outIf.IsPresent)
        {
            r.OutIf = (uint)_outIf.Number(ref first);
        }

        if (_srcAs.IsPresent)
        {
            r.SrcAs = (uint)_srcAs.Number(ref first);
        }

        if (_dstAs.IsPresent)
        {
            r.DstAs = (uint)_dstAs.Number(ref first);
        }

        if (_startUptime.IsPresent)
        {
            x.StartUptime = (uint)_startUptime.Number(ref first);
            x.Present |= RecordExtras.HasStartUptime;
        }

        if (_endUptime.IsPresent)
        {
            x.EndUptime = (uint)_endUptime.Number(ref first);
            x.Present |= RecordExtras.HasEndUptime;
        }

        if (_startMs.IsPresent)
        {
            x.StartAbsMs = (long)_startMs.Number(ref first);
            x.Present |= RecordExtras.HasStartAbs;
        }

        if (_endMs.IsPresent)
        {
            x.EndAbsMs = (long)_endMs.Number(ref first);
            x.Present |= RecordExtras.HasEndAbs;
        }
    }

    /// <summary>One field's place in the record: its offset and length (offset -1: the template does not have it).</summary>
    private readonly struct FieldAt
    {
        public static readonly FieldAt Absent = new(-1, 0, false);

        private readonly int _offset;
        private readonly int _length;
        private readonly bool _endsPastEight;
        private readonly ulong _mask;

        public FieldAt(FieldOp op)
            : this(op.Offset, op.Length, op.EndsPastEight)
        {
        }

        private FieldAt(int offset, int length, bool endsPastEight)
        {
            _offset = offset;
            _length = length;
            _endsPastEight = endsPastEight;
            _mask = length is > 0 and <= 8 ? ulong.MaxValue >> (64 - (8 * length)) : 0;
        }

        public bool IsPresent => _offset >= 0;

        /// <summary>The field as a big-endian number (every numeric target is 1-8 bytes): as <see cref="FieldProgram.DecodeFixed"/> reads it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong Number(ref byte first) => _endsPastEight
            ? BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref first, _offset + _length - 8))) & _mask
            : WireReader.ReadUnsigned(Bytes(ref first));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ReadOnlySpan<byte> Bytes(ref byte first) => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref first, _offset), _length);
    }
}
