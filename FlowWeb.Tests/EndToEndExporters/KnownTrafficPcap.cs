using System.Buffers.Binary;

namespace FlowWeb.Tests.EndToEndExporters;

/// <summary>
/// Writes a small classic pcap of known traffic (Ethernet/IPv4 with TCP, UDP and ICMP) for real exporters such
/// as softflowd to read: each conversation's packets, sizes and ports are fixed, so the totals a collector
/// must arrive at are known exactly. Byte counts are IP total lengths, which is what NetFlow counts.
/// </summary>
internal static class KnownTrafficPcap
{
    /// <summary>One direction of a conversation: <paramref name="Packets"/> packets of <paramref name="IpLength"/> bytes each.</summary>
    public sealed record Stream(string Src, string Dst, byte Protocol, ushort SrcPort, ushort DstPort, int Packets, int IpLength);

    public static IReadOnlyList<Stream> Streams { get; } =
    [
        new("10.1.0.10", "192.0.2.80", 6, 40_001, 443, 12, 1_000),
        new("192.0.2.80", "10.1.0.10", 6, 443, 40_001, 20, 1_400),
        new("10.1.0.11", "198.51.100.53", 17, 50_000, 53, 3, 70),
        new("198.51.100.53", "10.1.0.11", 17, 53, 50_000, 3, 180),
        new("10.1.0.12", "203.0.113.22", 6, 40_100, 22, 30, 120),
        new("10.1.0.13", "192.0.2.1", 1, 0, 0, 4, 84),
    ];

    public static long TotalBytes => Streams.Sum(s => (long)s.Packets * s.IpLength);

    public static long TotalPackets => Streams.Sum(s => (long)s.Packets);

    /// <summary>Writes the capture; packets of all streams interleave over a few seconds starting at <paramref name="start"/>.</summary>
    public static void Write(string path, DateTimeOffset start)
    {
        using var file = File.Create(path);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 65_535);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1); // Ethernet
        file.Write(header);

        var frame = new byte[14 + 1_500];
        var record = new byte[16];
        var packetIndex = 0;
        var maxPackets = Streams.Max(s => s.Packets);
        for (var i = 0; i < maxPackets; i++)
        {
            foreach (var stream in Streams.Where(s => i < s.Packets))
            {
                var length = 14 + stream.IpLength;
                BuildFrame(frame, stream, i);
                var time = start.AddMilliseconds(packetIndex++ * 20);
                BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)time.ToUnixTimeSeconds());
                BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), (uint)(time.ToUnixTimeMilliseconds() % 1000 * 1000));
                BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), (uint)length);
                BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12), (uint)length);
                file.Write(record);
                file.Write(frame, 0, length);
            }
        }
    }

    private static void BuildFrame(byte[] frame, Stream s, int sequence)
    {
        Array.Clear(frame);
        var f = frame.AsSpan();
        f[0..6].Fill(0x02);
        f[6..12].Fill(0x04);
        BinaryPrimitives.WriteUInt16BigEndian(f[12..], 0x0800);
        var ip = f[14..];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)s.IpLength);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)sequence);
        ip[8] = 64;
        ip[9] = s.Protocol;
        System.Net.IPAddress.Parse(s.Src).TryWriteBytes(ip[12..16], out _);
        System.Net.IPAddress.Parse(s.Dst).TryWriteBytes(ip[16..20], out _);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip[..20]));
        var l4 = ip[20..];
        switch (s.Protocol)
        {
            case 6:
                BinaryPrimitives.WriteUInt16BigEndian(l4, s.SrcPort);
                BinaryPrimitives.WriteUInt16BigEndian(l4[2..], s.DstPort);
                BinaryPrimitives.WriteUInt32BigEndian(l4[4..], (uint)(1000 + sequence));
                l4[12] = 0x50;
                l4[13] = 0x18; // PSH ACK
                break;
            case 17:
                BinaryPrimitives.WriteUInt16BigEndian(l4, s.SrcPort);
                BinaryPrimitives.WriteUInt16BigEndian(l4[2..], s.DstPort);
                BinaryPrimitives.WriteUInt16BigEndian(l4[4..], (ushort)(s.IpLength - 20));
                break;
            default:
                l4[0] = 8; // ICMP echo request
                break;
        }
    }

    private static ushort Checksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (var i = 0; i < header.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
