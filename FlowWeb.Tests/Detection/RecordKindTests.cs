using System.Globalization;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Detection;

/// <summary>
/// The receive path reads what a record counts in, and its share of the floors, from <see cref="RecordKind"/>'s tables
/// instead of branching on its protocol: these pin the tables to the rules written out plainly, for every protocol class,
/// TCP flags that are and are not SYN-only, and ports that are and are not a fragment's. Each record is one line of the
/// compared lists, so a failure names it.
/// </summary>
public sealed class RecordKindTests
{
    private static IEnumerable<FlowRecord> Records() =>
        from protocol in new byte[] { 1, 6, 17, 47, 58, 132 }
        from flags in new ushort[] { 0, 0x02, 0x12, 0x10, 0x03 }
        from ports in new (ushort Src, ushort Dst)[] { (0, 0), (40000, 443), (123, 40000), (0, 53) }
        select new FlowRecord { Protocol = protocol, TcpFlags = flags, SrcPort = ports.Src, DstPort = ports.Dst };

    [Fact]
    public void Kind_AddsToTheAmountsOfItsProtocolFlagsAndPorts()
    {
        var expected = new List<string>();
        var actual = new List<string>();
        foreach (var r in Records())
        {
            var tcp = r.Protocol == 6;
            var udp = r.Protocol == 17;
            var icmp = r.Protocol is 1 or 58;
            var synOnly = tcp && (r.TcpFlags & 0x12) == 0x02;
            var fragment = (tcp || udp) && r.SrcPort == 0 && r.DstPort == 0;

            // SYN; TCP, UDP packets, UDP bytes, ICMP; fragments, amplification (when the source port is a reflector's).
            expected.Add(Line(r, [synOnly ? 1 : 0, tcp ? 1 : 0, udp ? 1 : 0, udp ? 1 : 0, icmp ? 1 : 0, fragment ? 1 : 0, udp && !fragment ? 1 : 0]));
            var kind = RecordKind.Of(r);
            var middle = RecordKind.Middle(kind);
            var tail = RecordKind.Tail(kind);
            actual.Add(Line(r, [RecordKind.Syn(kind), middle[0], middle[1], middle[2], middle[3], tail[0], tail[1]]));
        }

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Shares_AreTheLargestInverseFloorOfTheAmountsItAddsTo()
    {
        var config = new DetectionConfig(new DetectionOptions(), null);
        var inverse = config.InverseFlowFloors;
        var expected = new List<string>();
        var actual = new List<string>();
        foreach (var r in Records())
        {
            var tcp = r.Protocol == 6;
            var udp = r.Protocol == 17;
            var packetAmounts = new List<int> { Counter.Packets };
            var byteAmounts = new List<int> { Counter.Bytes };
            if (tcp && (r.TcpFlags & 0x12) == 0x02)
            {
                packetAmounts.Add(Counter.SynPackets);
            }

            if (udp)
            {
                packetAmounts.Add(Counter.UdpPackets);
                byteAmounts.Add(Counter.UdpBytes);
            }

            if (r.Protocol is 1 or 58)
            {
                packetAmounts.Add(Counter.IcmpPackets);
            }

            if ((tcp || udp) && r.SrcPort == 0 && r.DstPort == 0)
            {
                packetAmounts.Add(Counter.FragmentPackets);
            }

            expected.Add(Line(r, packetAmounts.Max(c => inverse[c]), byteAmounts.Max(c => inverse[c])));
            var kind = RecordKind.Of(r);
            actual.Add(Line(r, config.PacketShares[kind], config.ByteShares[kind]));
        }

        Assert.Equal(expected, actual);
    }

    private static string Line(FlowRecord r, double[] amounts) => string.Create(CultureInfo.InvariantCulture,
        $"{Record(r)}: adds to {string.Join(' ', amounts)}");

    private static string Line(FlowRecord r, double perPacket, double perByte) => string.Create(CultureInfo.InvariantCulture,
        $"{Record(r)}: per packet {perPacket:R}, per byte {perByte:R}");

    private static string Record(FlowRecord r) => string.Create(CultureInfo.InvariantCulture,
        $"protocol {r.Protocol}, flags 0x{r.TcpFlags:x2}, ports {r.SrcPort} > {r.DstPort}");
}
