using System.Buffers.Binary;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Capture;

/// <summary>One UDP datagram found in a capture file.</summary>
public sealed record CapturedDatagram(DateTimeOffset Timestamp, FlowAddress Source, ushort SourcePort, FlowAddress Destination, ushort DestinationPort, byte[] Payload);

/// <summary>What a capture file held besides the datagrams returned.</summary>
public sealed class CaptureSummary
{
    public int Frames { get; internal set; }

    /// <summary>Frames that are not UDP over IPv4/IPv6 (ARP, TCP...), or non-first IP fragments.</summary>
    public int Skipped { get; internal set; }

    /// <summary>True when the file ended in the middle of a record.</summary>
    public bool Truncated { get; internal set; }
}

/// <summary>
/// Reads classic libpcap files (microsecond or nanosecond, either byte order) and returns their UDP payloads
/// with the IP source address: what the decode tool and tests need. Link types: Ethernet (with 802.1Q/802.1ad
/// tags), Linux cooked (SLL, SLL2), raw IP and BSD loopback. pcapng is recognised and refused with a message.
/// Bounded: a record claiming more than 256 KiB is treated as corruption and ends the read.
/// </summary>
public static class PcapReader
{
    private const uint MagicMicro = 0xA1B2C3D4;
    private const uint MagicNano = 0xA1B23C4D;
    private const uint PcapNgMagic = 0x0A0D0D0A;
    private const int GlobalHeaderLength = 24;
    private const int RecordHeaderLength = 16;
    private const int MaxRecordLength = 256 * 1024;

    private const int LinkNull = 0, LinkEthernet = 1, LinkRaw = 101, LinkLoop = 108, LinkSll = 113, LinkSll2 = 276, LinkIPv4 = 228, LinkIPv6 = 229;

    /// <summary>True when the bytes start like a pcap or pcapng file.</summary>
    public static bool LooksLikeCapture(ReadOnlySpan<byte> start)
    {
        if (start.Length < 4)
        {
            return false;
        }

        var le = BinaryPrimitives.ReadUInt32LittleEndian(start);
        var be = BinaryPrimitives.ReadUInt32BigEndian(start);
        return le is MagicMicro or MagicNano || be is MagicMicro or MagicNano || be == PcapNgMagic;
    }

    /// <summary>Reads every UDP datagram of a capture. Throws <see cref="InvalidDataException"/> for a file that is not a classic pcap.</summary>
    public static IReadOnlyList<CapturedDatagram> Read(ReadOnlySpan<byte> file, out CaptureSummary summary)
    {
        summary = new CaptureSummary();
        if (file.Length < GlobalHeaderLength)
        {
            throw new InvalidDataException("File is too short for a pcap header.");
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(file) == PcapNgMagic)
        {
            throw new InvalidDataException("pcapng is not supported; convert with: editcap -F pcap in.pcapng out.pcap");
        }

        var magicLe = BinaryPrimitives.ReadUInt32LittleEndian(file);
        bool littleEndian;
        bool nanos;
        if (magicLe is MagicMicro or MagicNano)
        {
            littleEndian = true;
            nanos = magicLe == MagicNano;
        }
        else
        {
            var magicBe = BinaryPrimitives.ReadUInt32BigEndian(file);
            if (magicBe is not (MagicMicro or MagicNano))
            {
                throw new InvalidDataException("Not a pcap file (unknown magic number).");
            }

            littleEndian = false;
            nanos = magicBe == MagicNano;
        }

        var linkType = (int)(Read32(file[20..], littleEndian) & 0x0FFFFFFF);
        var result = new List<CapturedDatagram>();
        var pos = GlobalHeaderLength;
        while (pos < file.Length)
        {
            if (file.Length - pos < RecordHeaderLength)
            {
                summary.Truncated = true;
                break;
            }

            var seconds = Read32(file[pos..], littleEndian);
            var fraction = Read32(file[(pos + 4)..], littleEndian);
            var captured = Read32(file[(pos + 8)..], littleEndian);
            pos += RecordHeaderLength;
            if (captured > MaxRecordLength || captured > file.Length - pos)
            {
                summary.Truncated = true;
                break;
            }

            summary.Frames++;
            var frame = file.Slice(pos, (int)captured);
            pos += (int)captured;
            var ticks = nanos ? fraction / 100 : fraction * 10L;
            var timestamp = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(ticks);
            if (TryExtractUdp(frame, linkType, timestamp, out var datagram))
            {
                result.Add(datagram);
            }
            else
            {
                summary.Skipped++;
            }
        }

        return result;
    }

    private static uint Read32(ReadOnlySpan<byte> b, bool littleEndian) =>
        littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);

    private static bool TryExtractUdp(ReadOnlySpan<byte> frame, int linkType, DateTimeOffset timestamp, out CapturedDatagram datagram)
    {
        datagram = null!;
        if (!TryFindNetworkLayer(frame, linkType, out var ip))
        {
            return false;
        }

        if (ip.Length < 1)
        {
            return false;
        }

        FlowAddress src, dst;
        ReadOnlySpan<byte> udp;
        var ipVersion = ip[0] >> 4;
        if (ipVersion == 4)
        {
            var headerLength = (ip[0] & 0x0F) * 4;
            if (ip.Length < 20 || headerLength < 20 || ip.Length < headerLength || ip[9] != 17)
            {
                return false;
            }

            var fragmentOffset = BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x1FFF;
            if (fragmentOffset != 0)
            {
                return false;
            }

            var totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
            var end = totalLength >= headerLength && totalLength <= ip.Length ? totalLength : ip.Length;
            src = FlowAddress.FromIPv4(ip[12..16]);
            dst = FlowAddress.FromIPv4(ip[16..20]);
            udp = ip[headerLength..end];
        }
        else if (ipVersion == 6)
        {
            if (ip.Length < 40 || ip[6] != 17)
            {
                return false; // extension headers before UDP are not followed
            }

            var payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
            var end = Math.Min(40 + payloadLength, ip.Length);
            src = FlowAddress.FromIPv6(ip[8..24]);
            dst = FlowAddress.FromIPv6(ip[24..40]);
            udp = ip[40..end];
        }
        else
        {
            return false;
        }

        if (udp.Length < 8)
        {
            return false;
        }

        var udpLength = BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
        var payloadEnd = udpLength >= 8 && udpLength <= udp.Length ? udpLength : udp.Length;
        datagram = new CapturedDatagram(timestamp, src, BinaryPrimitives.ReadUInt16BigEndian(udp), dst,
            BinaryPrimitives.ReadUInt16BigEndian(udp[2..]), udp[8..payloadEnd].ToArray());
        return true;
    }

    private static bool TryFindNetworkLayer(ReadOnlySpan<byte> frame, int linkType, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        switch (linkType)
        {
            case LinkEthernet:
                {
                    if (frame.Length < 14)
                    {
                        return false;
                    }

                    var offset = 12;
                    var etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
                    while (etherType is 0x8100 or 0x88A8 && frame.Length >= offset + 6)
                    {
                        offset += 4;
                        etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
                    }

                    ip = frame[(offset + 2)..];
                    return etherType is 0x0800 or 0x86DD;
                }

            case LinkSll:
                ip = frame.Length >= 16 ? frame[16..] : default;
                return frame.Length >= 16;
            case LinkSll2:
                ip = frame.Length >= 20 ? frame[20..] : default;
                return frame.Length >= 20;
            case LinkNull:
            case LinkLoop:
                ip = frame.Length >= 4 ? frame[4..] : default;
                return frame.Length >= 4;
            case LinkRaw:
            case LinkIPv4:
            case LinkIPv6:
                ip = frame;
                return true;
            default:
                return false;
        }
    }
}
