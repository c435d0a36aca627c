using System.Buffers.Binary;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding.SFlow;

/// <summary>
/// Reads the packet header an sFlow agent copied into a raw packet header record (sFlow v5 "sampled_header"), down
/// to the transport: Ethernet II or 802.3 LLC/SNAP, any number of 802.1Q/802.1ad tags (QinQ: the outer VLAN is
/// kept), PPPoE sessions (with PPP protocol field compression), MPLS label stacks (skipped to the IP packet below the bottom label), IPv4, IPv6 with its
/// extension headers, TCP, UDP, SCTP, ICMP and ICMPv6. A header cut short yields what it holds and is flagged.
/// VXLAN is not opened: the record describes the outer packet, which is what the sampled link carried.
/// Every step checks the bytes left; loops over tags, labels and extension headers are bounded.
/// <code>
/// Ethernet    0 dst MAC(6)  6 src MAC(6)  12 EtherType(2) | 802.1Q: 12 TPID 0x8100/0x88A8/0x9100(2) 14 TCI(2: PCP 3, DEI 1, VID 12)
/// IPv4        0 version|IHL  1 ToS  2 total length  6 flags|fragment offset  9 protocol  12 src  16 dst  (IHL×4 bytes)
/// IPv6        0 version|traffic class|flow label(4)  4 payload length  6 next header  8 src(16)  24 dst(16)  (40 bytes)
/// TCP         0 src port  2 dst port  ...  12 data offset|NS  13 CWR ECE URG ACK PSH RST SYN FIN
/// UDP/SCTP    0 src port  2 dst port          ICMP/ICMPv6  0 type  1 code
/// MPLS label  label(20) TC(3) bottom-of-stack(1) TTL(8)
/// </code>
/// </summary>
internal static class SampledHeaderParser
{
    public const uint ProtocolEthernet = 1, ProtocolIPv4 = 11, ProtocolIPv6 = 12, ProtocolMpls = 13;
    public const ushort VxlanPort = 4789;

    private const int MaxVlanTags = 8, MaxMplsLabels = 8, MaxIPv6ExtensionHeaders = 8;

    public static void Parse(ReadOnlySpan<byte> header, uint headerProtocol, ref SFlowFlowSample s)
    {
        switch (headerProtocol)
        {
            case ProtocolEthernet:
                Ethernet(header, ref s);
                break;
            case ProtocolIPv4:
                IPv4(header, ref s);
                break;
            case ProtocolIPv6:
                IPv6(header, ref s);
                break;
            case ProtocolMpls:
                Mpls(header, ref s);
                break;
        }
    }

    private static void CutShort(ref SFlowFlowSample s) => s.Parts |= SFlowSampleParts.HeaderCutShort;

    private static ushort U16(ReadOnlySpan<byte> b) => BinaryPrimitives.ReadUInt16BigEndian(b);

    private static ulong Mac(ReadOnlySpan<byte> b) => ((ulong)BinaryPrimitives.ReadUInt16BigEndian(b) << 32) | BinaryPrimitives.ReadUInt32BigEndian(b[2..]);

    private static void Ethernet(ReadOnlySpan<byte> f, ref SFlowFlowSample s)
    {
        if (f.Length < 12)
        {
            CutShort(ref s);
            return;
        }

        s.Record.DstMac = Mac(f);
        s.Record.SrcMac = Mac(f[6..]);
        s.Parts |= SFlowSampleParts.Macs;
        var offset = 12;
        ushort type;
        for (var tags = 0; ; tags++)
        {
            if (f.Length < offset + 2)
            {
                CutShort(ref s);
                return;
            }

            type = U16(f[offset..]);
            if (type is not (0x8100 or 0x88A8 or 0x9100 or 0x9200) || tags == MaxVlanTags)
            {
                offset += 2;
                break;
            }

            if (f.Length < offset + 4)
            {
                CutShort(ref s);
                return;
            }

            if ((s.Parts & SFlowSampleParts.VlanTag) == 0)
            {
                s.Record.Vlan = (ushort)(U16(f[(offset + 2)..]) & 0x0FFF);
                s.Parts |= SFlowSampleParts.VlanTag;
            }

            offset += 4;
        }

        if (type <= 1500)
        {
            // 802.3 length field: only LLC/SNAP (AA AA 03, OUI, EtherType) carries a protocol we can follow.
            if (f.Length < offset + 8)
            {
                CutShort(ref s);
                return;
            }

            if (f[offset] != 0xAA || f[offset + 1] != 0xAA || f[offset + 2] != 0x03)
            {
                return;
            }

            type = U16(f[(offset + 6)..]);
            offset += 8;
        }

        s.EtherType = type;
        NetworkLayer(type, f[offset..], ref s);
    }

    private static void NetworkLayer(ushort etherType, ReadOnlySpan<byte> p, ref SFlowFlowSample s)
    {
        switch (etherType)
        {
            case 0x0800:
                IPv4(p, ref s);
                break;
            case 0x86DD:
                IPv6(p, ref s);
                break;
            case 0x8847 or 0x8848:
                Mpls(p, ref s);
                break;
            case 0x8864:
                // PPPoE session: version|type, code, session id(2), length(2), then the PPP protocol: two bytes, or one
                // when compressed (RFC 1661 §6.5: a protocol's low byte is odd, its high byte even; seen in switch-10g-2021).
                if (p.Length < 7)
                {
                    CutShort(ref s);
                    return;
                }

                var compressed = (p[6] & 1) != 0;
                if (!compressed && p.Length < 8)
                {
                    CutShort(ref s);
                    return;
                }

                var ppp = compressed ? p[6] : U16(p[6..]);
                var payload = p[(compressed ? 7 : 8)..];
                switch (ppp)
                {
                    case 0x0021:
                        IPv4(payload, ref s);
                        break;
                    case 0x0057:
                        IPv6(payload, ref s);
                        break;
                }

                break;
        }
    }

    private static void Mpls(ReadOnlySpan<byte> p, ref SFlowFlowSample s)
    {
        s.Parts |= SFlowSampleParts.Mpls;
        var offset = 0;
        for (var i = 0; i < MaxMplsLabels; i++)
        {
            if (p.Length < offset + 4)
            {
                CutShort(ref s);
                return;
            }

            var bottom = (p[offset + 2] & 1) != 0;
            offset += 4;
            if (!bottom)
            {
                continue;
            }

            if (p.Length <= offset)
            {
                CutShort(ref s);
                return;
            }

            // Below the bottom label there is no type field: the first nibble tells IP versions apart. Anything else
            // (a pseudowire control word, Ethernet over MPLS) is not followed.
            switch (p[offset] >> 4)
            {
                case 4:
                    IPv4(p[offset..], ref s);
                    break;
                case 6:
                    IPv6(p[offset..], ref s);
                    break;
            }

            return;
        }
    }

    private static void IPv4(ReadOnlySpan<byte> p, ref SFlowFlowSample s)
    {
        if (p.Length < 20)
        {
            CutShort(ref s);
            return;
        }

        var headerLength = (p[0] & 0x0F) * 4;
        if (p[0] >> 4 != 4 || headerLength < 20)
        {
            return;
        }

        s.Record.Tos = p[1];
        s.IpLength = U16(p[2..]);
        s.Record.Protocol = p[9];
        s.Record.SrcAddr = FlowAddress.FromIPv4(p[12..]);
        s.Record.DstAddr = FlowAddress.FromIPv4(p[16..]);
        s.Parts |= SFlowSampleParts.Ip | SFlowSampleParts.IpLength;
        if ((U16(p[6..]) & 0x1FFF) != 0)
        {
            s.Parts |= SFlowSampleParts.Fragment;
            return;
        }

        if (p.Length < headerLength)
        {
            CutShort(ref s);
            return;
        }

        Transport(p[headerLength..], p[9], ref s);
    }

    private static void IPv6(ReadOnlySpan<byte> p, ref SFlowFlowSample s)
    {
        if (p.Length < 40)
        {
            CutShort(ref s);
            return;
        }

        if (p[0] >> 4 != 6)
        {
            return;
        }

        s.Record.Tos = (byte)(U16(p) >> 4);
        s.IpLength = U16(p[4..]) + 40u;
        s.Record.SrcAddr = FlowAddress.FromIPv6(p[8..]);
        s.Record.DstAddr = FlowAddress.FromIPv6(p[24..]);
        s.Parts |= SFlowSampleParts.Ip | SFlowSampleParts.IpLength;
        var next = p[6];
        var offset = 40;
        for (var i = 0; i < MaxIPv6ExtensionHeaders; i++)
        {
            s.Record.Protocol = next;
            if (next is not (0 or 43 or 44 or 51 or 60))
            {
                break;
            }

            if (p.Length < offset + 8)
            {
                CutShort(ref s);
                return;
            }

            var following = p[offset];
            if (next == 44)
            {
                s.Record.Protocol = following;
                if ((U16(p[(offset + 2)..]) & 0xFFF8) != 0)
                {
                    s.Parts |= SFlowSampleParts.Fragment;
                    return;
                }

                offset += 8;
            }
            else
            {
                // Hop-by-hop, routing and destination options count 8-byte units beyond the first; AH counts 4-byte units beyond two.
                offset += next == 51 ? (p[offset + 1] + 2) * 4 : (p[offset + 1] + 1) * 8;
            }

            next = following;
            s.Record.Protocol = next;
        }

        if (next is 0 or 43 or 44 or 51 or 60)
        {
            return;
        }

        if (p.Length < offset)
        {
            CutShort(ref s);
            return;
        }

        Transport(p[offset..], next, ref s);
    }

    private static void Transport(ReadOnlySpan<byte> t, byte protocol, ref SFlowFlowSample s)
    {
        switch (protocol)
        {
            case 6 or 17 or 132 or 136:
                if (t.Length < 4)
                {
                    CutShort(ref s);
                    return;
                }

                s.Record.SrcPort = U16(t);
                s.Record.DstPort = U16(t[2..]);
                s.Parts |= SFlowSampleParts.Ports;
                if (protocol == 17 && s.Record.DstPort == VxlanPort)
                {
                    s.Parts |= SFlowSampleParts.Vxlan;
                }

                if (protocol == 6)
                {
                    if (t.Length < 14)
                    {
                        CutShort(ref s);
                        return;
                    }

                    s.Record.TcpFlags = (ushort)(((t[12] & 1) << 8) | t[13]);
                    s.Parts |= SFlowSampleParts.TcpFlags;
                }

                break;
            case 1 or 58:
                if (t.Length < 2)
                {
                    CutShort(ref s);
                    return;
                }

                // FlowWeb keeps ICMP type and code where NetFlow puts them: the destination port, type × 256 + code.
                s.IcmpType = t[0];
                s.IcmpCode = t[1];
                s.Record.DstPort = (ushort)((t[0] << 8) | t[1]);
                s.Parts |= SFlowSampleParts.Icmp;
                break;
        }
    }
}
