using System.Buffers.Binary;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Encoding;

/// <summary>
/// Builds the frame an sFlow agent copies into a raw packet header record: Ethernet, VLAN tags, MPLS labels, IPv4 or
/// IPv6, TCP/UDP/SCTP/ICMP, then zero payload up to the frame length, cut at the agent's header size.
/// </summary>
internal static class SFlowHeaderWriter
{
    private const int EthernetLength = 14;

    /// <summary>Bytes the header record will hold: the frame without the stripped bytes, at most the header size.</summary>
    public static int HeaderLength(SFlowSampledPacket p) => Math.Max(0, Math.Min(p.HeaderBytes, p.FrameLength - p.Stripped));

    /// <summary>Writes the copied header into <paramref name="destination"/> (<see cref="HeaderLength"/> bytes).</summary>
    public static void Write(SFlowSampledPacket p, Span<byte> destination)
    {
        Span<byte> frame = stackalloc byte[EthernetLength + (4 * 16) + (4 * 16) + 40 + 20 + 64];
        frame.Clear();
        WriteMac(frame, p.DstMac);
        WriteMac(frame[6..], p.SrcMac);
        var n = 12;
        var tags = Math.Min(16, p.VlanTags.Count);
        for (var i = 0; i < tags; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame[n..], (ushort)(i < tags - 1 ? 0x88A8 : 0x8100));
            BinaryPrimitives.WriteUInt16BigEndian(frame[(n + 2)..], (ushort)(p.VlanTags[i] & 0x0FFF));
            n += 4;
        }

        var ipv6 = !p.SrcAddr.IsIPv4;
        var labels = Math.Min(16, p.MplsLabels.Count);
        BinaryPrimitives.WriteUInt16BigEndian(frame[n..], (ushort)(labels > 0 ? 0x8847 : ipv6 ? 0x86DD : 0x0800));
        n += 2;
        for (var i = 0; i < labels; i++)
        {
            var bottom = i == labels - 1 ? 1u : 0u;
            BinaryPrimitives.WriteUInt32BigEndian(frame[n..], (p.MplsLabels[i] << 12) | (bottom << 8) | 64);
            n += 4;
        }

        var ipLength = Math.Max(0, p.FrameLength - p.Stripped - n);
        n += ipv6 ? WriteIPv6(p, frame[n..], ipLength) : WriteIPv4(p, frame[n..], ipLength);
        n += WriteTransport(p, frame[n..]);

        // The rest of the frame is payload (zeros); the agent copies only the first HeaderBytes of it.
        destination.Clear();
        var copy = Math.Min(n, destination.Length);
        frame[..copy].CopyTo(destination);
    }

    private static void WriteMac(Span<byte> b, ulong mac)
    {
        BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)(mac >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(b[2..], (uint)mac);
    }

    private static int WriteIPv4(SFlowSampledPacket p, Span<byte> b, int totalLength)
    {
        b[0] = 0x45;
        b[1] = p.Tos;
        BinaryPrimitives.WriteUInt16BigEndian(b[2..], (ushort)Math.Min(totalLength, 0xFFFF));
        BinaryPrimitives.WriteUInt16BigEndian(b[6..], 0x4000);
        b[8] = 64;
        b[9] = p.Protocol;
        BinaryPrimitives.WriteUInt32BigEndian(b[12..], p.SrcAddr.IPv4Value);
        BinaryPrimitives.WriteUInt32BigEndian(b[16..], p.DstAddr.IPv4Value);
        uint sum = 0;
        for (var i = 0; i < 20; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(b[i..]);
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        BinaryPrimitives.WriteUInt16BigEndian(b[10..], (ushort)~sum);
        return 20;
    }

    private static int WriteIPv6(SFlowSampledPacket p, Span<byte> b, int totalLength)
    {
        BinaryPrimitives.WriteUInt32BigEndian(b, (6u << 28) | ((uint)p.Tos << 20));
        BinaryPrimitives.WriteUInt16BigEndian(b[4..], (ushort)Math.Clamp(totalLength - 40, 0, 0xFFFF));
        b[6] = p.Protocol;
        b[7] = 64;
        p.SrcAddr.WriteBytes(b[8..]);
        p.DstAddr.WriteBytes(b[24..]);
        return 40;
    }

    private static int WriteTransport(SFlowSampledPacket p, Span<byte> b)
    {
        switch (p.Protocol)
        {
            case 6:
                BinaryPrimitives.WriteUInt16BigEndian(b, p.SrcPort);
                BinaryPrimitives.WriteUInt16BigEndian(b[2..], p.DstPort);
                b[12] = (byte)(0x50 | ((p.TcpFlags >> 8) & 1));
                b[13] = (byte)p.TcpFlags;
                return 20;
            case 17 or 132 or 136:
                BinaryPrimitives.WriteUInt16BigEndian(b, p.SrcPort);
                BinaryPrimitives.WriteUInt16BigEndian(b[2..], p.DstPort);
                return 8;
            case 1 or 58:
                b[0] = p.IcmpType;
                b[1] = p.IcmpCode;
                return 8;
            default:
                return 0;
        }
    }
}
