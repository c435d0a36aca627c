using System.Buffers.Binary;

namespace FlowWeb.Tests.Web;

/// <summary>Builds NetFlow v5 datagrams byte by byte (24-byte header, 48-byte records, big-endian).</summary>
internal static class NetFlowV5Datagram
{
    public const int HeaderLength = 24;
    public const int RecordLength = 48;

    /// <summary>A valid datagram with <paramref name="records"/> TCP flows 10.0.0.1:40000+i → 10.0.0.2:443.</summary>
    public static byte[] Build(int records, uint sequence = 0)
    {
        var bytes = new byte[HeaderLength + (records * RecordLength)];
        var now = DateTimeOffset.UtcNow;
        const uint sysUptimeMs = 600_000;

        var h = bytes.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(h[0..], 5);
        BinaryPrimitives.WriteUInt16BigEndian(h[2..], (ushort)records);
        BinaryPrimitives.WriteUInt32BigEndian(h[4..], sysUptimeMs);
        BinaryPrimitives.WriteUInt32BigEndian(h[8..], (uint)now.ToUnixTimeSeconds());
        BinaryPrimitives.WriteUInt32BigEndian(h[12..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(h[16..], sequence);
        // 20 engine type, 21 engine id, 22 sampling: all 0 (unsampled).

        for (var i = 0; i < records; i++)
        {
            var r = bytes.AsSpan(HeaderLength + (i * RecordLength), RecordLength);
            BinaryPrimitives.WriteUInt32BigEndian(r[0..], 0x0A00_0001);   // srcaddr 10.0.0.1
            BinaryPrimitives.WriteUInt32BigEndian(r[4..], 0x0A00_0002);   // dstaddr 10.0.0.2
            BinaryPrimitives.WriteUInt32BigEndian(r[8..], 0x0A00_00FE);   // nexthop 10.0.0.254
            BinaryPrimitives.WriteUInt16BigEndian(r[12..], 1);            // input ifIndex
            BinaryPrimitives.WriteUInt16BigEndian(r[14..], 2);            // output ifIndex
            BinaryPrimitives.WriteUInt32BigEndian(r[16..], 10);           // dPkts
            BinaryPrimitives.WriteUInt32BigEndian(r[20..], 5_000);        // dOctets
            BinaryPrimitives.WriteUInt32BigEndian(r[24..], sysUptimeMs - 20_000); // first
            BinaryPrimitives.WriteUInt32BigEndian(r[28..], sysUptimeMs - 1_000);  // last
            BinaryPrimitives.WriteUInt16BigEndian(r[32..], (ushort)(40_000 + i)); // srcport
            BinaryPrimitives.WriteUInt16BigEndian(r[34..], 443);          // dstport
            r[37] = 0x18;                                                 // tcp_flags PSH|ACK
            r[38] = 6;                                                    // prot TCP
        }

        return bytes;
    }
}
