using FlowWeb.Core.Detection;
using FlowWeb.Core.Flows;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// The attacks the detection benchmarks send, against hosts of <see cref="NormalDay"/>'s network, each at about 1.5x
/// the default threshold that should catch it, as a router exports them (short flows ended 15 s before export; at
/// 1:N sampling one sampled packet per record). Each trial gets its own victim (a host, or a /24 or /64 for carpet
/// bombing), so trials need not wait for the previous attack to end.
/// </summary>
internal static class AttackTraffic
{
    public enum Kind
    {
        SynFlood,
        TcpFlood,
        UdpFlood,
        IcmpFlood,
        FragmentFlood,
        NtpAmplification,
        DnsAmplification,
        CarpetBombing,
        OutgoingFlood,
    }

    /// <summary>One attack: its victim as the detector must report it, its expected type and direction, its records per second.</summary>
    public sealed record Scenario(Kind Kind, bool IPv6, uint SamplingRate, int Trial, string Victim, AttackType Type, AttackDirection Direction)
    {
        public string Label => $"{Kind} {(IPv6 ? "IPv6" : "IPv4")} {(SamplingRate > 1 ? $"1:{SamplingRate}" : "unsampled")}";

        /// <summary>The records the collector receives in second <paramref name="second"/> of the attack.</summary>
        public List<FlowRecord> Records(int second, long nowMs)
        {
            var random = new Random(HashCode.Combine(Kind, IPv6, Trial, second));
            var records = new List<FlowRecord>();
            var victim = FlowAddress.Parse(Victim.Split('/')[0]);
            var (packetsPerSecond, packetsPerRecord, packetBytes) = Kind switch
            {
                Kind.SynFlood => (30_000, 150, 60),
                Kind.TcpFlood => (225_000, 500, 60),
                Kind.IcmpFlood => (15_000, 150, 84),
                Kind.FragmentFlood => (30_000, 150, 1400),
                Kind.NtpAmplification => (150_000, 500, 468),
                Kind.DnsAmplification => (150_000, 500, 1400),
                Kind.CarpetBombing => (300_000, 1500, 512),
                _ => (150_000, 500, 512),
            };

            var sampled = SamplingRate > 1;
            var count = sampled ? (int)Math.Ceiling(packetsPerSecond / (double)SamplingRate) : packetsPerSecond / packetsPerRecord;
            for (var i = 0; i < count; i++)
            {
                var r = Make(i, victim, random);
                r.Packets = sampled ? 1 : (ulong)packetsPerRecord;
                r.Bytes = r.Packets * (ulong)packetBytes;
                r.SamplingRate = SamplingRate;
                r.EndMs = nowMs - 15_000 - random.Next(0, 500);
                r.StartMs = r.EndMs - random.Next(0, 900);
                r.InIf = Direction == AttackDirection.Incoming ? 1u : 2u;
                r.OutIf = Direction == AttackDirection.Incoming ? 2u : 1u;
                r.Direction = FlowRecord.DirectionUnknown;
                records.Add(r);
            }

            return records;
        }

        private FlowRecord Make(int i, FlowAddress victim, Random random) => Kind switch
        {
            Kind.SynFlood => Flow(Spoof(random), Port(random), victim, 443, 6, 0x02),
            Kind.TcpFlood => Flow(Spoof(random), Port(random), victim, 80, 6, 0x10),
            Kind.IcmpFlood => Flow(Spoof(random), 0, victim, 2048, (byte)(IPv6 ? 58 : 1)),
            Kind.FragmentFlood => Flow(Spoof(random), 0, victim, 0, 17),
            Kind.NtpAmplification => Flow(Reflector(i), 123, victim, Port(random), 17),
            Kind.DnsAmplification => Flow(Reflector(i), 53, victim, Port(random), 17),
            Kind.CarpetBombing => Flow(Spoof(random), Port(random), HostOf(victim, 1 + (i % 200)), Port(random), 17),
            Kind.UdpFlood => Flow(Spoof(random), Port(random), victim, Port(random), 17),
            _ => Flow(victim, Port(random), Spoof(random), Port(random), 17),
        };

        private static ushort Port(Random random) => (ushort)random.Next(1024, 65_535);

        private FlowAddress Spoof(Random random) => IPv6
            ? new FlowAddress(0x2A00_0000_0000_0000UL | (ulong)random.NextInt64(1L << 40), (ulong)random.NextInt64())
            : FlowAddress.FromIPv4((uint)random.NextInt64(0x2000_0000, 0xDF00_0000));

        /// <summary>Reflectors are real hosts (the same few thousand every second), unlike spoofed sources.</summary>
        private FlowAddress Reflector(int i) => IPv6
            ? new FlowAddress(0x2A0F_0000_BEEF_0000UL, (ulong)(i % 4000) + 1)
            : FlowAddress.FromIPv4(0x2D00_0000u + (uint)(i % 4000) + 1);

        private static FlowAddress HostOf(FlowAddress network, int host) =>
            network.IsIPv4 ? FlowAddress.FromIPv4((network.IPv4Value & 0xFFFF_FF00u) | (uint)host) : new FlowAddress(network.High, (ulong)host);

        private static FlowRecord Flow(FlowAddress src, ushort srcPort, FlowAddress dst, ushort dstPort, byte protocol, ushort flags = 0) => new()
        {
            SrcAddr = src, DstAddr = dst, SrcPort = srcPort, DstPort = dstPort, Protocol = protocol, TcpFlags = flags,
        };
    }

    /// <summary>
    /// The attack of <paramref name="kind"/> for trial <paramref name="trial"/> (0-199): victims in 10.0.100-108.x and
    /// 2001:db8:100:100-108::x (carpet bombing: 10.0.(150 + trial).0/24 and 2001:db8:100:(200 + trial)::/64), all in
    /// <see cref="NormalDay.ProtectedNetworks"/>, apart from the normal day's hosts.
    /// </summary>
    public static Scenario Of(Kind kind, bool ipv6, uint samplingRate, int trial)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(trial is >= 0 and < 100, true, nameof(trial));
        var k = (int)kind;
        var victim = kind == Kind.CarpetBombing
            ? ipv6 ? $"2001:db8:100:{0x200 + trial:x}::/64" : $"10.0.{150 + trial}.0/24"
            : ipv6 ? $"2001:db8:100:{0x100 + k:x}::{trial + 1:x}" : $"10.0.{100 + k}.{trial + 1}";
        var type = kind switch
        {
            Kind.SynFlood => AttackType.SynFlood,
            Kind.TcpFlood => AttackType.TcpFlood,
            Kind.IcmpFlood => AttackType.IcmpFlood,
            Kind.FragmentFlood => AttackType.FragmentFlood,
            Kind.NtpAmplification => AttackType.NtpAmplification,
            Kind.DnsAmplification => AttackType.DnsAmplification,
            Kind.CarpetBombing => AttackType.CarpetBombing,
            _ => AttackType.UdpFlood,
        };
        return new Scenario(kind, ipv6, samplingRate, trial, victim, type, kind == Kind.OutgoingFlood ? AttackDirection.Outgoing : AttackDirection.Incoming);
    }

    /// <summary>Every kind, IPv4 then IPv6, for one sampling rate and trial.</summary>
    public static IEnumerable<Scenario> All(uint samplingRate, int trial) =>
        Families.SelectMany(ipv6 => Enum.GetValues<Kind>().Select(kind => Of(kind, ipv6, samplingRate, trial)));

    private static readonly bool[] Families = [false, true];
}
