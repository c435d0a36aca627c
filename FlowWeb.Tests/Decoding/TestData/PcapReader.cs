using System.Buffers.Binary;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Decoding.TestData;

/// <summary>One UDP datagram read from a capture file.</summary>
internal sealed record UdpDatagram(FlowAddress Source, ushort SourcePort, ushort DestinationPort, byte[] Payload);

/// <summary>
/// Just enough of classic libpcap to get export packets out of the test captures: the 24-byte global header in
/// either byte order (microsecond or nanosecond magic), 16-byte record headers, and Ethernet (optionally
/// 802.1Q-tagged) or raw IPv4 frames carrying UDP. Anything else (IPv6, TCP, fragments, other link types)
/// is skipped, not guessed at.
/// <code>
/// global header: magic(4) major(2) minor(2) thiszone(4) sigfigs(4) snaplen(4) linktype(4)
/// record header: ts_sec(4) ts_frac(4) incl_len(4) orig_len(4), then incl_len bytes of frame
/// </code>
/// </summary>
internal static class PcapReader
{
    private const uint MagicMicros = 0xA1B2C3D4, MagicNanos = 0xA1B23C4D;
    private const int GlobalHeaderLength = 24, RecordHeaderLength = 16;
    private const uint LinkEthernet = 1, LinkRaw = 101, LinkRawIPv4 = 228;
    private const ushort EtherTypeIPv4 = 0x0800, EtherTypeVlan = 0x8100;
    private const byte ProtocolUdp = 17;

    public static IReadOnlyList<UdpDatagram> ReadUdp(ReadOnlySpan<byte> file)
    {
        if (file.Length < GlobalHeaderLength)
        {
            throw new InvalidDataException("Not a pcap file: shorter than its global header.");
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(file);
        bool little;
        if (magic is MagicMicros or MagicNanos)
        {
            little = true;
        }
        else if (BinaryPrimitives.ReverseEndianness(magic) is MagicMicros or MagicNanos)
        {
            little = false;
        }
        else
        {
            throw new InvalidDataException($"Not a classic pcap file (magic 0x{magic:x8}).");
        }

        var linkType = ReadUInt32(file[20..], little);
        var result = new List<UdpDatagram>();
        var pos = GlobalHeaderLength;
        while (file.Length - pos >= RecordHeaderLength)
        {
            var included = ReadUInt32(file[(pos + 8)..], little);
            pos += RecordHeaderLength;
            if (included > file.Length - pos)
            {
                throw new InvalidDataException("Truncated pcap record.");
            }

            var frame = file.Slice(pos, (int)included);
            pos += (int)included;
            if (TryReadUdp(frame, linkType) is { } datagram)
            {
                result.Add(datagram);
            }
        }

        return result;
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> bytes, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);

    private static UdpDatagram? TryReadUdp(ReadOnlySpan<byte> frame, uint linkType)
    {
        ReadOnlySpan<byte> ip;
        if (linkType == LinkEthernet)
        {
            if (frame.Length < 14)
            {
                return null;
            }

            var etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
            var offset = 14;
            if (etherType == EtherTypeVlan && frame.Length >= 18)
            {
                etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
                offset = 18;
            }

            if (etherType != EtherTypeIPv4)
            {
                return null;
            }

            ip = frame[offset..];
        }
        else if (linkType is LinkRaw or LinkRawIPv4)
        {
            ip = frame;
        }
        else
        {
            return null;
        }

        // IPv4: version/IHL, total length, fragment offset, protocol, source address.
        if (ip.Length < 20 || ip[0] >> 4 != 4)
        {
            return null;
        }

        var headerLength = (ip[0] & 0x0F) * 4;
        var totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        var fragment = BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x3FFF;
        if (ip[9] != ProtocolUdp || fragment != 0 || headerLength < 20 || totalLength > ip.Length || totalLength < headerLength + 8)
        {
            return null;
        }

        var source = FlowAddress.FromIPv4(ip[12..16]);
        var udp = ip[headerLength..totalLength];
        var udpLength = BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
        if (udpLength < 8 || udpLength > udp.Length)
        {
            return null;
        }

        return new UdpDatagram(
            source,
            BinaryPrimitives.ReadUInt16BigEndian(udp),
            BinaryPrimitives.ReadUInt16BigEndian(udp[2..]),
            udp[8..udpLength].ToArray());
    }
}
