using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Encoding;

/// <summary>
/// Reproducible, varied flow records for benchmarks and load tests: a mix of web, DNS, mail, SSH and bulk
/// traffic between a few thousand internal hosts and the world, with realistic byte and packet counts and
/// flows that ended within the last minute. Seeded: the same seed gives the same records.
/// </summary>
public static class SyntheticTraffic
{
    private static readonly (ushort Port, byte Protocol, int MeanPacketBytes)[] Services =
    [
        (443, 6, 1100), (443, 6, 1100), (443, 6, 1100), (80, 6, 900), (53, 17, 90), (53, 17, 90),
        (25, 6, 700), (993, 6, 600), (22, 6, 300), (123, 17, 76), (3389, 6, 400), (1194, 17, 1200), (0, 1, 84),
    ];

    /// <summary>Fills <paramref name="records"/> with flows ending at or before <paramref name="nowMs"/>; <paramref name="ipv6Share"/> of them IPv6.</summary>
    public static void Fill(Span<FlowRecord> records, int seed, long nowMs, double ipv6Share = 0, int internalHosts = 4096)
    {
        var random = new Random(seed);
        for (var i = 0; i < records.Length; i++)
        {
            var (port, protocol, meanBytes) = Services[random.Next(Services.Length)];
            var packets = (ulong)(1 + (random.Next(1000) < 950 ? random.Next(20) : random.Next(50_000)));
            var duration = random.Next(0, 60_000);
            var end = nowMs - random.Next(0, 15_000);
            var ipv6 = random.NextDouble() < ipv6Share;
            var inside = ipv6
                ? FlowAddress.FromIPAddress(System.Net.IPAddress.Parse($"2001:db8::{random.Next(internalHosts):x}"))
                : FlowAddress.FromIPv4(0xC0A8_0000u + (uint)random.Next(internalHosts));
            var outside = ipv6
                ? new FlowAddress(0x2001_0DB8_FFFF_0000UL | (uint)random.Next(65_536), (ulong)random.NextInt64())
                : FlowAddress.FromIPv4((uint)random.NextInt64(0x0100_0000, 0xDF00_0000));
            var outbound = random.Next(2) == 0;
            var ephemeral = (ushort)random.Next(32_768, 61_000);
            records[i] = new FlowRecord
            {
                SrcAddr = outbound ? inside : outside,
                DstAddr = outbound ? outside : inside,
                SrcPort = protocol == 1 ? (ushort)0 : outbound ? ephemeral : port,
                DstPort = protocol == 1 ? (ushort)2048 : outbound ? port : ephemeral,
                Protocol = protocol,
                Packets = packets,
                Bytes = packets * (ulong)Math.Max(40, meanBytes + random.Next(-30, 30)),
                StartMs = end - duration,
                EndMs = end,
                TcpFlags = protocol == 6 ? (ushort)0x1B : (ushort)0,
                InIf = (uint)random.Next(1, 8),
                OutIf = (uint)random.Next(1, 8),
                NextHop = FlowAddress.FromIPv4(0xC0A8_0001),
                PostNatSrcAddr = outbound ? FlowAddress.FromIPv4(0xCB00_7107) : outside,
                PostNatDstAddr = outbound ? outside : inside,
                SamplingRate = 1,
                Direction = FlowRecord.DirectionUnknown,
            };
        }
    }

    /// <summary>
    /// Caps every record at <paramref name="maxPackets"/> packets, its bytes in proportion (the mean packet size kept):
    /// without the few huge records (a 50,000-packet record of under 1.5 s is 100,000 packets/s from one flow), the
    /// traffic crosses no default attack threshold and no key outgrows a 32-bit byte counter within a toplist period.
    /// </summary>
    public static void CapPackets(Span<FlowRecord> records, ulong maxPackets)
    {
        foreach (ref var r in records)
        {
            var packets = Math.Min(r.Packets, maxPackets);
            r.Bytes = r.Packets == 0 ? 0 : r.Bytes / r.Packets * packets;
            r.Packets = packets;
        }
    }
}
