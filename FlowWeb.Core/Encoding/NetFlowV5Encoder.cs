using System.Buffers.Binary;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Encoding;

/// <summary>v5 header sampling mode, the top two bits of the sampling field.</summary>
public enum NetFlowV5SamplingMode : byte
{
    None = 0,
    Deterministic = 1,
    Random = 2,
}

/// <summary>
/// The exporting side of NetFlow v5 (Cisco "NetFlow Export Datagram Format"): fixed 48-byte records behind a
/// 24-byte header. It owns the flow sequence, which counts flows (the sequence of a packet is the number of
/// flows sent before it), and the boot time that sysUptime and FIRST/LAST are relative to.
/// Not thread-safe: one encoder per simulated exporter.
/// </summary>
public sealed class NetFlowV5Encoder
{
    /*
     * header (24)                                   record (48)
     *  0 version=5  2 count (1..30)                  0 srcaddr  4 dstaddr  8 nexthop
     *  4 sysUptime (ms since boot)                  12 input(2) 14 output(2) 16 dPkts 20 dOctets
     *  8 unix_secs  12 unix_nsecs                   24 first 28 last (sysUptime ms)
     * 16 flow_sequence (flows sent before)          32 srcport 34 dstport 36 pad 37 tcp_flags
     * 20 engine_type 21 engine_id                   38 prot 39 tos 40 src_as(2) 42 dst_as(2)
     * 22 sampling: mode (2 bits) | interval (14)    44 src_mask 45 dst_mask 46 pad(2)
     */
    public const int HeaderLength = 24;
    public const int RecordLength = 48;
    public const int MaxRecords = 30;
    public const ushort Version = 5;

    /// <summary>Flows sent so far, modulo 2^32: the sequence number of the next packet.</summary>
    public uint FlowSequence { get; set; }

    /// <summary>Exporter boot time, ms since the Unix epoch.</summary>
    public long BootTimeMs { get; set; }

    public byte EngineType { get; set; }

    public byte EngineId { get; set; }

    public NetFlowV5SamplingMode SamplingMode { get; set; }

    /// <summary>Sampling interval, 0..16383 (14 bits; 0 = unsampled).</summary>
    public ushort SamplingInterval
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, (ushort)0x3FFF);
            field = value;
        }
    }

    /// <summary>Bytes of a packet with <paramref name="count"/> records.</summary>
    public static int PacketLength(int count) => HeaderLength + (count * RecordLength);

    /// <summary>
    /// Writes one packet with the first records (at most 30, and as many as fit in <paramref name="destination"/>);
    /// returns its length, 0 when there is nothing to send. Addresses must be IPv4 (others go out as 0.0.0.0);
    /// interfaces and AS numbers keep their low 16 bits, counters their low 32, as on a v5 exporter.
    /// </summary>
    public int Encode(ReadOnlySpan<FlowRecord> records, long exportTimeMs, Span<byte> destination, out int recordsWritten)
    {
        var count = Math.Min(Math.Min(records.Length, MaxRecords), (destination.Length - HeaderLength) / RecordLength);
        recordsWritten = Math.Max(count, 0);
        if (count <= 0)
        {
            return 0;
        }

        var uptime = (uint)(exportTimeMs - BootTimeMs);
        var header = destination[..HeaderLength];
        BinaryPrimitives.WriteUInt16BigEndian(header, Version);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)count);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], uptime);
        BinaryPrimitives.WriteUInt32BigEndian(header[8..], (uint)(exportTimeMs / 1000));
        BinaryPrimitives.WriteUInt32BigEndian(header[12..], (uint)(exportTimeMs % 1000 * 1_000_000));
        BinaryPrimitives.WriteUInt32BigEndian(header[16..], FlowSequence);
        header[20] = EngineType;
        header[21] = EngineId;
        BinaryPrimitives.WriteUInt16BigEndian(header[22..], (ushort)(((int)SamplingMode << 14) | SamplingInterval));

        for (var i = 0; i < count; i++)
        {
            WriteRecord(destination.Slice(PacketLength(i), RecordLength), records[i]);
        }

        FlowSequence += (uint)count;
        return PacketLength(count);
    }

    private void WriteRecord(Span<byte> d, in FlowRecord r)
    {
        BinaryPrimitives.WriteUInt32BigEndian(d, IPv4(r.SrcAddr));
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], IPv4(r.DstAddr));
        BinaryPrimitives.WriteUInt32BigEndian(d[8..], IPv4(r.NextHop));
        BinaryPrimitives.WriteUInt16BigEndian(d[12..], (ushort)r.InIf);
        BinaryPrimitives.WriteUInt16BigEndian(d[14..], (ushort)r.OutIf);
        BinaryPrimitives.WriteUInt32BigEndian(d[16..], (uint)r.Packets);
        BinaryPrimitives.WriteUInt32BigEndian(d[20..], (uint)r.Bytes);
        BinaryPrimitives.WriteUInt32BigEndian(d[24..], (uint)(r.StartMs - BootTimeMs));
        BinaryPrimitives.WriteUInt32BigEndian(d[28..], (uint)(r.EndMs - BootTimeMs));
        BinaryPrimitives.WriteUInt16BigEndian(d[32..], r.SrcPort);
        BinaryPrimitives.WriteUInt16BigEndian(d[34..], r.DstPort);
        d[36] = 0;
        d[37] = (byte)r.TcpFlags;
        d[38] = r.Protocol;
        d[39] = r.Tos;
        BinaryPrimitives.WriteUInt16BigEndian(d[40..], (ushort)r.SrcAs);
        BinaryPrimitives.WriteUInt16BigEndian(d[42..], (ushort)r.DstAs);
        d[44] = r.SrcMask;
        d[45] = r.DstMask;
        d[46] = 0;
        d[47] = 0;
    }

    private static uint IPv4(FlowAddress address) => address.IsIPv4 ? address.IPv4Value : 0;
}
