using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Encoding;

/// <summary>
/// Varied flow records for round trips: record 0 is all zeros (ports 0, 0.0.0.0 or ::, ending at the export
/// time), record 1 is all maximum values (ports 65535, all-ones addresses and counters), the rest are plausible
/// traffic from a seeded generator. <see cref="FitTo"/> cuts values to the widths a template gives them.
/// </summary>
internal static class SampleFlows
{
    /// <summary>A fixed export time (2024-06-01T12:00:00.000Z) so that failures reproduce.</summary>
    public const long ExportMs = 1_717_243_200_000;

    /// <summary>Boot 30 days before export: uptimes stay below 2^32 ms and differences below 2^31 ms.</summary>
    public const long BootMs = ExportMs - (30L * 86_400_000);

    public static FlowRecord[] Create(int count, bool ipv6, FlowTemplate? fitTo = null, long maxAgeMs = 20L * 86_400_000, int seed = 1)
    {
        var random = new Random(seed);
        var records = new FlowRecord[count];
        for (var i = 0; i < count; i++)
        {
            records[i] = i switch
            {
                0 => Zero(ipv6),
                1 => Max(ipv6, maxAgeMs),
                _ => Typical(random, ipv6, maxAgeMs),
            };

            if (fitTo is not null)
            {
                records[i] = FitTo(records[i], fitTo);
            }
        }

        return records;
    }

    /// <summary>Cuts every numeric field the template carries to its wire width (the expected value after reduced-size encoding), and times to seconds for second-resolution elements.</summary>
    public static FlowRecord FitTo(FlowRecord r, FlowTemplate template)
    {
        foreach (var f in template.Fields)
        {
            if (f.IsVariableLength || f.IsEnterprise || f.Length == 0)
            {
                continue;
            }

            var mask = f.Length >= 8 ? ulong.MaxValue : (1UL << (8 * f.Length)) - 1;
            switch (RecordAssert.FieldOf(f))
            {
                case "Bytes": r.Bytes &= mask; break;
                case "Packets": r.Packets &= mask; break;
                case "Protocol": r.Protocol = (byte)(r.Protocol & mask); break;
                case "Tos": r.Tos = (byte)(r.Tos & mask); break;
                case "TcpFlags": r.TcpFlags = (ushort)(r.TcpFlags & mask); break;
                case "SrcPort": r.SrcPort = (ushort)(r.SrcPort & mask); break;
                case "DstPort": r.DstPort = (ushort)(r.DstPort & mask); break;
                case "SrcMask": r.SrcMask = (byte)(r.SrcMask & mask); break;
                case "DstMask": r.DstMask = (byte)(r.DstMask & mask); break;
                case "InIf": r.InIf = (uint)(r.InIf & mask); break;
                case "OutIf": r.OutIf = (uint)(r.OutIf & mask); break;
                case "SrcAs": r.SrcAs = (uint)(r.SrcAs & mask); break;
                case "DstAs": r.DstAs = (uint)(r.DstAs & mask); break;
                case "SamplingRate": r.SamplingRate = Math.Max(1, (uint)(r.SamplingRate & mask)); break;
                case "SrcMac": r.SrcMac &= mask; break;
                case "DstMac": r.DstMac &= mask; break;
                case "Vlan": r.Vlan = (ushort)(r.Vlan & mask); break;
                case "Direction": r.Direction = (byte)(r.Direction & mask); break;
                case "EndReason": r.EndReason = (byte)(r.EndReason & mask); break;
                case "NatEvent": r.NatEvent = (byte)(r.NatEvent & mask); break;
                case "PostNatSrcPort": r.PostNatSrcPort = (ushort)(r.PostNatSrcPort & mask); break;
                case "PostNatDstPort": r.PostNatDstPort = (ushort)(r.PostNatDstPort & mask); break;
                default: break;
            }

            if (f.ElementId is 150 or 151)
            {
                r.StartMs -= r.StartMs % 1000;
                r.EndMs -= r.EndMs % 1000;
            }
        }

        return r;
    }

    public static FlowRecord Zero(bool ipv6)
    {
        var none = ipv6 ? FlowAddress.Parse("::") : FlowAddress.Parse("0.0.0.0");
        return new FlowRecord
        {
            SrcAddr = none, DstAddr = none, NextHop = none, PostNatSrcAddr = none, PostNatDstAddr = none,
            StartMs = ExportMs, EndMs = ExportMs, SamplingRate = 1,
        };
    }

    public static FlowRecord Max(bool ipv6, long maxAgeMs)
    {
        var all = ipv6 ? FlowAddress.Parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") : FlowAddress.Parse("255.255.255.255");
        return new FlowRecord
        {
            SrcAddr = all, DstAddr = all, NextHop = all, PostNatSrcAddr = all, PostNatDstAddr = all,
            Bytes = ulong.MaxValue, Packets = ulong.MaxValue, StartMs = ExportMs - maxAgeMs, EndMs = ExportMs - 1,
            SrcMac = 0xFFFF_FFFF_FFFF, DstMac = 0xFFFF_FFFF_FFFF, InIf = uint.MaxValue, OutIf = uint.MaxValue,
            SrcAs = uint.MaxValue, DstAs = uint.MaxValue, SamplingRate = uint.MaxValue,
            SrcPort = ushort.MaxValue, DstPort = ushort.MaxValue, PostNatSrcPort = ushort.MaxValue, PostNatDstPort = ushort.MaxValue,
            TcpFlags = ushort.MaxValue, Vlan = ushort.MaxValue, Protocol = byte.MaxValue, Tos = byte.MaxValue,
            SrcMask = byte.MaxValue, DstMask = byte.MaxValue, Direction = byte.MaxValue, NatEvent = byte.MaxValue, EndReason = byte.MaxValue,
        };
    }

    private static FlowRecord Typical(Random random, bool ipv6, long maxAgeMs)
    {
        FlowAddress Address(string v4Prefix, string v6Prefix) => ipv6
            ? FlowAddress.Parse($"{v6Prefix}{random.Next(1, 0xFFFF):x}:{random.Next(1, 0xFFFF):x}")
            : FlowAddress.Parse($"{v4Prefix}.{random.Next(0, 256)}.{random.Next(1, 255)}");

        var packets = (ulong)random.Next(1, 100_000);
        var end = ExportMs - random.NextInt64(0, Math.Min(maxAgeMs / 2, 15_000));
        var protocol = (byte)(random.Next(3) switch { 0 => 6, 1 => 17, _ => 1 });
        return new FlowRecord
        {
            SrcAddr = Address("10.1", "2001:db8:1::"), DstAddr = Address("192.168", "2001:db8:2::"),
            NextHop = Address("172.16", "fe80::"), PostNatSrcAddr = Address("100.64", "2001:db8:3::"),
            PostNatDstAddr = Address("198.51", "2001:db8:4::"),
            Packets = packets, Bytes = packets * (ulong)random.Next(40, 1500),
            StartMs = end - random.NextInt64(0, maxAgeMs / 2), EndMs = end,
            SrcMac = (ulong)random.NextInt64(0, 1L << 48), DstMac = (ulong)random.NextInt64(0, 1L << 48),
            InIf = (uint)random.Next(1, 64), OutIf = (uint)random.Next(0, 64),
            SrcAs = (uint)random.Next(0, 400_000), DstAs = (uint)random.Next(0, 65_536),
            SamplingRate = (uint)random.Next(1, 2000),
            SrcPort = (ushort)random.Next(0, 65_536), DstPort = (ushort)random.Next(0, 1024),
            PostNatSrcPort = (ushort)random.Next(1024, 65_536), PostNatDstPort = (ushort)random.Next(0, 1024),
            TcpFlags = (ushort)(protocol == 6 ? random.Next(1, 0x40) : 0), Vlan = (ushort)random.Next(0, 4095),
            Protocol = protocol, Tos = (byte)(random.Next(0, 64) << 2),
            SrcMask = (byte)random.Next(0, ipv6 ? 129 : 33), DstMask = (byte)random.Next(0, ipv6 ? 129 : 33),
            Direction = (byte)random.Next(0, 2), NatEvent = (byte)random.Next(0, 3), EndReason = (byte)random.Next(1, 6),
        };
    }
}
