using FlowWeb.Core.Detection;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Detection;

/// <summary>The attacks the tests and benchmarks send, each with the victim and type it must be reported as.</summary>
internal enum AttackKind
{
    SynFlood,
    UdpFlood,
    IcmpFlood,
    NtpAmplification,
    DnsAmplification,
    CarpetBombing,
    OutgoingFlood,
}

/// <summary>
/// One attack to send: who, what, and one second's flow records of it, as a router exports them (flows that ended
/// 15 s ago, the inactive timeout, lasting under a second; spoofed sources; at 1:1000 sampling one packet per
/// record). Rates are 1.5x the default thresholds, so defaults detect them.
/// </summary>
internal sealed record AttackScenario(AttackKind Kind, bool IPv6, uint SamplingRate, string Victim, AttackType Type, AttackDirection Direction)
{
    /// <summary>Documentation prefixes the victims live in (also the sensor's protected networks in the tests).</summary>
    public static readonly string[] ProtectedNetworks = ["203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24", "2001:db8:a::/48", "2001:db8:c::/48", "2001:db8:e::/48"];

    public static AttackScenario Of(AttackKind kind, bool ipv6, uint samplingRate) => kind switch
    {
        AttackKind.SynFlood => new(kind, ipv6, samplingRate, ipv6 ? "2001:db8:a::11" : "203.0.113.11", AttackType.SynFlood, AttackDirection.Incoming),
        AttackKind.UdpFlood => new(kind, ipv6, samplingRate, ipv6 ? "2001:db8:a::12" : "203.0.113.12", AttackType.UdpFlood, AttackDirection.Incoming),
        AttackKind.IcmpFlood => new(kind, ipv6, samplingRate, ipv6 ? "2001:db8:a::13" : "203.0.113.13", AttackType.IcmpFlood, AttackDirection.Incoming),
        AttackKind.NtpAmplification => new(kind, ipv6, samplingRate, ipv6 ? "2001:db8:a::14" : "203.0.113.14", AttackType.NtpAmplification, AttackDirection.Incoming),
        AttackKind.DnsAmplification => new(kind, ipv6, samplingRate, ipv6 ? "2001:db8:a::15" : "203.0.113.15", AttackType.DnsAmplification, AttackDirection.Incoming),
        AttackKind.CarpetBombing => new(kind, ipv6, samplingRate, ipv6 ? "2001:db8:c:1::/64" : "198.51.100.0/24", AttackType.CarpetBombing, AttackDirection.Incoming),
        AttackKind.OutgoingFlood => new(kind, ipv6, samplingRate, ipv6 ? "2001:db8:e::66" : "192.0.2.66", AttackType.UdpFlood, AttackDirection.Outgoing),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static IEnumerable<AttackScenario> All(bool ipv6, uint samplingRate) =>
        Enum.GetValues<AttackKind>().Select(k => Of(k, ipv6, samplingRate));

    /// <summary>The records of second number <paramref name="second"/> of the attack, exported at <paramref name="nowMs"/>.</summary>
    public List<FlowRecord> Records(int second, long nowMs)
    {
        var random = new Random(HashCode.Combine(Kind, IPv6, second));
        var sampled = SamplingRate > 1;
        var records = new List<FlowRecord>();

        // Packets per second wanted; unsampled records carry many packets, sampled ones one each.
        void Add(int packetsPerSecond, Func<int, FlowRecord> make)
        {
            var count = sampled ? (int)Math.Ceiling(packetsPerSecond / (double)SamplingRate) : Math.Max(1, packetsPerSecond / PacketsPerRecord);
            for (var i = 0; i < count; i++)
            {
                var r = make(i);
                r.Packets = sampled ? 1 : (ulong)PacketsPerRecord;
                r.Bytes = r.Packets * (ulong)PacketBytes;
                r.SamplingRate = SamplingRate;
                r.EndMs = nowMs - 15_000 - random.Next(0, 500);
                r.StartMs = r.EndMs - random.Next(0, 900);
                records.Add(r);
            }
        }

        var victim = FlowAddress.Parse(Kind == AttackKind.CarpetBombing ? Victim.Split('/')[0] : Victim);
        switch (Kind)
        {
            case AttackKind.SynFlood:
                Add(30_000, _ => Flow(Spoof(random), (ushort)random.Next(1024, 65535), victim, 443, 6, 0x02));
                break;
            case AttackKind.UdpFlood:
                Add(150_000, _ => Flow(Spoof(random), (ushort)random.Next(1024, 65535), victim, (ushort)random.Next(1, 65535), 17));
                break;
            case AttackKind.IcmpFlood:
                Add(15_000, _ => Flow(Spoof(random), 0, victim, 2048, (byte)(IPv6 ? 58 : 1)));
                break;
            case AttackKind.NtpAmplification:
                Add(150_000, i => Flow(Reflector(i), 123, victim, (ushort)random.Next(1024, 65535), 17));
                break;
            case AttackKind.DnsAmplification:
                Add(150_000, i => Flow(Reflector(i), 53, victim, (ushort)random.Next(1024, 65535), 17));
                break;
            case AttackKind.CarpetBombing:
                Add(300_000, i => Flow(Spoof(random), (ushort)random.Next(1024, 65535), HostOf(victim, 1 + (i % 200)), (ushort)random.Next(1, 65535), 17));
                break;
            case AttackKind.OutgoingFlood:
                Add(150_000, _ => Flow(victim, (ushort)random.Next(1024, 65535), Spoof(random), (ushort)random.Next(1, 65535), 17));
                break;
        }

        return records;
    }

    private int PacketsPerRecord => Kind switch
    {
        AttackKind.SynFlood => 150,
        AttackKind.IcmpFlood => 150,
        AttackKind.CarpetBombing => 1_500,
        _ => 500,
    };

    private int PacketBytes => Kind switch
    {
        AttackKind.SynFlood => 60,
        AttackKind.IcmpFlood => 84,
        AttackKind.NtpAmplification => 468,
        AttackKind.DnsAmplification => 1_400,
        _ => 512,
    };

    private FlowAddress Spoof(Random random) => IPv6
        ? new FlowAddress(0x2001_0DB8_F000_0000UL | (uint)random.Next(), (ulong)random.NextInt64())
        : FlowAddress.FromIPv4((uint)random.NextInt64(0x0100_0000, 0xDF00_0000));

    /// <summary>Reflectors are real hosts (the same few thousand every second), unlike spoofed sources.</summary>
    private FlowAddress Reflector(int i) => IPv6
        ? new FlowAddress(0x2001_0DB8_BEEF_0000UL, (ulong)(i % 4000) + 1)
        : FlowAddress.FromIPv4(0x2D00_0000u + (uint)(i % 4000) + 1);

    private static FlowAddress HostOf(FlowAddress network, int host) =>
        network.IsIPv4 ? FlowAddress.FromIPv4((network.IPv4Value & 0xFFFF_FF00u) | (uint)host) : new FlowAddress(network.High, (ulong)host);

    private static FlowRecord Flow(FlowAddress src, ushort srcPort, FlowAddress dst, ushort dstPort, byte protocol, ushort flags = 0) => new()
    {
        SrcAddr = src,
        DstAddr = dst,
        SrcPort = srcPort,
        DstPort = dstPort,
        Protocol = protocol,
        TcpFlags = flags,
        InIf = 1,
        OutIf = 2,
        Direction = FlowRecord.DirectionUnknown,
    };
}

/// <summary>Ordinary traffic to mix in: a few hundred internal hosts (in the protected networks) talking to the world.</summary>
internal static class NormalTraffic
{
    public static List<FlowRecord> Second(int second, long nowMs, bool ipv6, uint samplingRate, int flows = 300)
    {
        var random = new Random(HashCode.Combine(second, ipv6, 77));
        (ushort Port, byte Protocol, int Bytes)[] services = [(443, 6, 1200), (80, 6, 900), (53, 17, 120), (22, 6, 400), (993, 6, 700), (443, 17, 1200)];
        var records = new List<FlowRecord>(flows);
        for (var i = 0; i < flows; i++)
        {
            var (port, protocol, bytes) = services[random.Next(services.Length)];
            var inside = ipv6 ? new FlowAddress(0x2001_0DB8_000A_0000UL, (ulong)random.Next(100, 400)) : FlowAddress.FromIPv4(0xCB00_7100u + (uint)random.Next(100, 250));
            var outside = ipv6 ? new FlowAddress(0x2001_0DB8_0FFF_0000UL, (ulong)random.Next(1, 5000)) : FlowAddress.FromIPv4(0x5000_0000u + (uint)random.Next(1, 5000));
            var packets = (ulong)(samplingRate > 1 ? 1 : random.Next(1, 400));
            var inbound = random.Next(2) == 0;
            var end = nowMs - random.Next(0, 15_000);
            records.Add(new FlowRecord
            {
                SrcAddr = inbound ? outside : inside,
                DstAddr = inbound ? inside : outside,
                SrcPort = inbound ? port : (ushort)random.Next(32_768, 61_000),
                DstPort = inbound ? (ushort)random.Next(32_768, 61_000) : port,
                Protocol = protocol,
                TcpFlags = protocol == 6 ? (ushort)0x1B : (ushort)0,
                Packets = packets,
                Bytes = packets * (ulong)bytes,
                StartMs = end - random.Next(0, 60_000),
                EndMs = end,
                SamplingRate = samplingRate,
                InIf = 2,
                OutIf = 1,
                Direction = FlowRecord.DirectionUnknown,
            });
        }

        return records;
    }
}
