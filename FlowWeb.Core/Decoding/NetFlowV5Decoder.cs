using System.Buffers.Binary;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding;

/// <summary>
/// NetFlow v5 and v1 (Cisco "NetFlow Export Datagram Format"): fixed 48-byte records behind a fixed header.
/// <code>
/// v5 header (24 bytes)                         v1 header (16 bytes)
///  0 version=5  2 count (1..30)                  0 version=1  2 count (1..24)
///  4 sysUptime ms                                4 sysUptime ms
///  8 unix_secs  12 unix_nsecs                    8 unix_secs  12 unix_nsecs
/// 16 flow_sequence (flows sent before this one)
/// 20 engine_type 21 engine_id 22 sampling (2-bit mode | 14-bit interval)
///
/// v5 record (48)                                 v1 record (48)
///  0 srcaddr  4 dstaddr  8 nexthop               0 srcaddr 4 dstaddr 8 nexthop
/// 12 input 14 output 16 dPkts 20 dOctets         12 input 14 output 16 dPkts 20 dOctets
/// 24 first 28 last (sysUptime ms)                24 first 28 last
/// 32 srcport 34 dstport 36 pad 37 tcp_flags      32 srcport 34 dstport 36 pad(2)
/// 38 prot 39 tos 40 src_as 42 dst_as             38 prot 39 tos 40 tcp_flags 41 pad(3) 44 reserved
/// 44 src_mask 45 dst_mask 46 pad(2)
/// </code>
/// </summary>
internal static class NetFlowV5Decoder
{
    public const int V5HeaderLength = 24;
    public const int V1HeaderLength = 16;
    public const int RecordLength = 48;
    public const int V5MaxRecords = 30;
    public const int V1MaxRecords = 24;

    private const int OffCount = 2, OffUptime = 4, OffSecs = 8, OffNsecs = 12, OffSequence = 16, OffEngineType = 20, OffEngineId = 21, OffSampling = 22;

    /// <summary>Validates the header and length; returns the record count or a status.</summary>
    public static DecodeStatus CheckLayout(ReadOnlySpan<byte> packet, byte version, out int count, out bool trailing)
    {
        var headerLength = version == 5 ? V5HeaderLength : V1HeaderLength;
        var max = version == 5 ? V5MaxRecords : V1MaxRecords;
        count = 0;
        trailing = false;
        if (packet.Length < headerLength)
        {
            return DecodeStatus.TooShort;
        }

        count = BinaryPrimitives.ReadUInt16BigEndian(packet[OffCount..]);
        if (count == 0 || count > max)
        {
            return DecodeStatus.BadRecordCount;
        }

        var expected = headerLength + (count * RecordLength);
        if (packet.Length < expected)
        {
            return DecodeStatus.LengthMismatch;
        }

        // Zero fill after the records is how some exporters pad fixed-size buffers (softflowd captures); other bytes are counted.
        trailing = packet[expected..].ContainsAnyExcept((byte)0);
        return DecodeStatus.Ok;
    }

    public static uint Sequence(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt32BigEndian(packet[OffSequence..]);

    public static uint EngineDomain(ReadOnlySpan<byte> packet) => ((uint)packet[OffEngineType] << 8) | packet[OffEngineId];

    /// <summary>Sampling rate from the header: the low 14 bits, whatever the mode bits say (Juniper MX80 sends mode 0 with 1000).</summary>
    public static uint SamplingRate(ReadOnlySpan<byte> packet)
    {
        var interval = (uint)(BinaryPrimitives.ReadUInt16BigEndian(packet[OffSampling..]) & 0x3FFF);
        return interval == 0 ? 1 : interval;
    }

    public static long ExportMs(ReadOnlySpan<byte> packet) =>
        (BinaryPrimitives.ReadUInt32BigEndian(packet[OffSecs..]) * 1000L) + (BinaryPrimitives.ReadUInt32BigEndian(packet[OffNsecs..]) / 1_000_000);

    /// <summary>Decodes <paramref name="count"/> records (layout already checked) into the batch.</summary>
    public static void DecodeRecords(ReadOnlySpan<byte> packet, byte version, int count, uint samplingRate, FlowBatch batch)
    {
        var headerLength = version == 5 ? V5HeaderLength : V1HeaderLength;
        var uptime = BinaryPrimitives.ReadUInt32BigEndian(packet[OffUptime..]);
        var exportMs = ExportMs(packet);
        var domain = version == 5 ? EngineDomain(packet) : 0;
        var arenaBase = batch.CopyToArena(packet[headerLength..(headerLength + (count * RecordLength))]);

        for (var i = 0; i < count; i++)
        {
            var rec = packet.Slice(headerLength + (i * RecordLength), RecordLength);
            ref var r = ref batch.Add();
            r.Version = version;
            r.ObservationDomain = domain;
            r.TemplateIndex = -1;
            r.RawOffset = arenaBase + (i * RecordLength);
            r.RawLength = RecordLength;
            r.Direction = FlowRecord.DirectionUnknown;
            r.SrcAddr = FlowAddress.FromIPv4(BinaryPrimitives.ReadUInt32BigEndian(rec));
            r.DstAddr = FlowAddress.FromIPv4(BinaryPrimitives.ReadUInt32BigEndian(rec[4..]));
            r.NextHop = FlowAddress.FromIPv4(BinaryPrimitives.ReadUInt32BigEndian(rec[8..]));
            r.InIf = BinaryPrimitives.ReadUInt16BigEndian(rec[12..]);
            r.OutIf = BinaryPrimitives.ReadUInt16BigEndian(rec[14..]);
            r.Packets = BinaryPrimitives.ReadUInt32BigEndian(rec[16..]);
            r.Bytes = BinaryPrimitives.ReadUInt32BigEndian(rec[20..]);
            r.StartMs = UptimeToUnixMs(exportMs, uptime, BinaryPrimitives.ReadUInt32BigEndian(rec[24..]));
            r.EndMs = UptimeToUnixMs(exportMs, uptime, BinaryPrimitives.ReadUInt32BigEndian(rec[28..]));
            r.TimeSource = FlowTimeSource.HeaderUptime;
            r.SrcPort = BinaryPrimitives.ReadUInt16BigEndian(rec[32..]);
            r.DstPort = BinaryPrimitives.ReadUInt16BigEndian(rec[34..]);
            r.Protocol = rec[38];
            r.Tos = rec[39];
            r.SamplingRate = samplingRate;
            if (version == 5)
            {
                r.TcpFlags = rec[37];
                r.SrcAs = BinaryPrimitives.ReadUInt16BigEndian(rec[40..]);
                r.DstAs = BinaryPrimitives.ReadUInt16BigEndian(rec[42..]);
                r.SrcMask = rec[44];
                r.DstMask = rec[45];
            }
            else
            {
                r.TcpFlags = rec[40];
            }
        }
    }

    /// <summary>
    /// Absolute time of an uptime-relative timestamp: the difference to the header's sysUptime is taken in 32 bits
    /// and read as signed, so FIRST = 0xFFFFFFFF with uptime 3381 is 3382 ms before export, not 49.7 days later.
    /// </summary>
    public static long UptimeToUnixMs(long exportMs, uint sysUptime, uint timestamp) => exportMs - (int)(sysUptime - timestamp);
}
