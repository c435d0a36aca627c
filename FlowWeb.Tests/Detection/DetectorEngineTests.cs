using FlowWeb.Core.Detection;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Detection;

/// <summary>The detector fed record by record on a fake clock: start after N seconds, end after M, types, victims, timing.</summary>
public sealed class DetectorEngineTests
{
    private static DetectionOptions Quick(int endAfter = 5) => new() { EndAfterSeconds = endAfter };

    private static IEnumerable<FlowRecord> SynFlood(DetectorHarness h, string victim, int records, ulong packetsEach, long salt = 0, bool ipv6 = false) =>
        Enumerable.Range(0, records).Select(i => h.Flow(DetectorHarness.Spoofed((h.Now * 7919) + i + salt, ipv6), (ushort)(1024 + i), victim, 80, 6,
            packetsEach, packetsEach * 60, tcpFlags: 0x02, durationMs: 500));

    [Theory]
    [InlineData("203.0.113.5", false)]
    [InlineData("2001:db8::5", true)]
    public void SynFlood_OverThresholdThreeSeconds_StartsAtThirdSecondAndEndsAfterM(string victim, bool ipv6)
    {
        var h = new DetectorHarness(Quick());
        var firstSecond = h.Now;

        // 300 spoofed sources a second, 100 SYN packets each: 30,000 SYN packets/s against the default 20,000.
        Assert.Empty(h.Second(SynFlood(h, victim, 300, 100, ipv6: ipv6)));
        Assert.Empty(h.Second(SynFlood(h, victim, 300, 100, ipv6: ipv6)));
        var started = Assert.Single(h.Second(SynFlood(h, victim, 300, 100, ipv6: ipv6)));

        Assert.True(started.Started);
        var report = started.Report;
        Assert.Equal(victim, report.Victim);
        Assert.Equal(AttackType.SynFlood, report.Type);
        Assert.Equal(AttackDirection.Incoming, report.Direction);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(firstSecond), report.Start);
        Assert.Contains(report.Triggers, t => t.Metric == DetectionMetric.SynPackets && Math.Abs(t.Value - 30_000) < 1 && t.Threshold == 20_000);
        Assert.Null(report.End);

        h.Run(10, _ => SynFlood(h, victim, 300, 100, ipv6: ipv6));
        Assert.Single(h.Started);
        Assert.Empty(h.Ended);

        // Quiet: ends after EndAfterSeconds below, at the second after the last one over.
        var lastOn = h.Now - 1;
        h.Run(4, _ => []);
        Assert.Empty(h.Ended);
        h.Run(1, _ => []);
        var ended = Assert.Single(h.Ended);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(lastOn + 1), ended.End);
        Assert.Equal(30_000, ended.PeakPacketsPerSecond, 0);
        Assert.True(ended.DistinctSources > 2000, $"distinct sources {ended.DistinctSources}");
    }

    [Fact]
    public void Flood_DipBelowThreshold_RestartsTheCount()
    {
        var h = new DetectorHarness(Quick());
        h.Second(SynFlood(h, "203.0.113.5", 300, 100));
        h.Second(SynFlood(h, "203.0.113.5", 300, 100));
        h.Second(SynFlood(h, "203.0.113.5", 100, 100));
        h.Second(SynFlood(h, "203.0.113.5", 300, 100));
        h.Second(SynFlood(h, "203.0.113.5", 300, 100));
        Assert.Empty(h.Started);
        h.Second(SynFlood(h, "203.0.113.5", 300, 100));
        Assert.Single(h.Started);
    }

    [Fact]
    public void LongDownload_ExportedAtThirtyMinuteTimeout_IsItsRateNotASpike()
    {
        var h = new DetectorHarness(Quick());

        // 1.5 Gbit/s for 30 minutes arrives as one record: 337.5 GB at once would be a 2.7 Tbit/s "spike".
        const ulong bytes = 1_500_000_000UL / 8 * 1800;
        h.Second([h.Flow("198.51.100.7", 443, "203.0.113.9", 50000, 6, bytes / 1400, bytes, tcpFlags: 0x1B, durationMs: 1_800_000, exportDelayMs: 0)]);
        h.Run(30, _ => []);
        Assert.Empty(h.Changes);
        Assert.Equal(0, h.Detector.HoldsRefused);
    }

    [Fact]
    public void LongFlood_OfContinuingFlows_IsHeldBetweenExportsAndDetected()
    {
        var h = new DetectorHarness(Quick(endAfter: 10));

        // 40 sources, each one UDP flow of 50 Mbit/s (2 Gbit/s in all), exported every 60 s at staggered times:
        // the held rates add up to the real 2 Gbit/s over one active timeout, not to 40/60 of it.
        for (var s = 0; s < 180; s++)
        {
            var second = s;
            h.Second(Enumerable.Range(0, 40).Where(i => (second + (i * 3)) % 60 == 0).Select(i =>
                h.Flow($"198.51.100.{i + 1}", 40000, "203.0.113.20", 9999, 17, 60 * 4464, 60 * 6_250_000UL, durationMs: 60_000, exportDelayMs: 0)));
        }

        var attack = Assert.Single(h.Started);
        Assert.Equal(AttackType.UdpFlood, attack.Type);
        Assert.InRange(attack.DetectedAt - DateTimeOffset.FromUnixTimeSeconds(DetectorHarness.T0), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(62));
        Assert.Empty(h.Ended);
        Assert.InRange(h.Changes.Count, 1, 1);
    }

    [Theory]
    [InlineData(123, AttackType.NtpAmplification, false)]
    [InlineData(53, AttackType.DnsAmplification, false)]
    [InlineData(123, AttackType.NtpAmplification, true)]
    [InlineData(11211, AttackType.MemcachedAmplification, false)]
    public void Amplification_FromReflectorPort_IsNamedByPort(ushort port, AttackType expected, bool ipv6)
    {
        var h = new DetectorHarness(Quick());
        var victim = ipv6 ? "2001:db8:1::80" : "203.0.113.80";
        IEnumerable<FlowRecord> Reflected(long now) => Enumerable.Range(0, 400).Select(i =>
            h.Flow(DetectorHarness.Spoofed(i + 50_000, ipv6), port, victim, (ushort)(10_000 + (now % 1000) + i), 17, 300, 300 * 1200, durationMs: 800));

        h.Run(4, Reflected);
        var attack = Assert.Single(h.Started);
        Assert.Equal(expected, attack.Type);
        Assert.Equal(port, attack.ReflectorPort);
        Assert.Equal(victim, attack.Victim);
    }

    [Fact]
    public void CarpetBombing_SpreadOverA24_IsThePrefixNotAHost()
    {
        var h = new DetectorHarness(Quick());

        // 250 hosts of 192.0.2.0/24, 1,000 UDP packets/s each: far below a host's 100,000, 250,000 for the /24 (limit 200,000).
        IEnumerable<FlowRecord> Carpet(long now) => Enumerable.Range(1, 250).Select(i =>
            h.Flow(DetectorHarness.Spoofed((now * 1000) + i), 40000, $"192.0.2.{i}", 53, 17, 1000, 1000 * 512, durationMs: 300));

        h.Run(5, Carpet);
        var attack = Assert.Single(h.Started);
        Assert.Equal(AttackType.CarpetBombing, attack.Type);
        Assert.Equal(AttackType.UdpFlood, attack.Vector);
        Assert.Equal("192.0.2.0/24", attack.Victim);
    }

    [Fact]
    public void HostAttack_InBusyPrefix_IsNotAlsoCarpetBombing()
    {
        var h = new DetectorHarness(Quick());
        IEnumerable<FlowRecord> Traffic(long now) => Enumerable.Range(1, 40)
            .Select(i => h.Flow("198.51.100.1", 443, $"192.0.2.{i}", 40000, 6, 100, 140_000, tcpFlags: 0x1B, durationMs: 200))
            .Concat(Enumerable.Range(0, 400).Select(i => h.Flow(DetectorHarness.Spoofed((now * 1000) + i), 2000, "192.0.2.77", 9, 17, 1000, 1000 * 1000, durationMs: 300)));

        h.Run(6, Traffic);
        var attack = Assert.Single(h.Started);
        Assert.Equal("192.0.2.77", attack.Victim);
        Assert.Equal(AttackType.UdpFlood, attack.Type);
    }

    [Theory]
    [InlineData("192.0.2.66", "192.0.2.0/24")]
    [InlineData("2001:db8:66::1", "2001:db8:66::/48")]
    public void OutgoingFlood_FromProtectedHost_IsOutgoing(string source, string network)
    {
        var h = new DetectorHarness(new DetectionOptions { EndAfterSeconds = 5, ProtectedNetworks = [network] });
        IEnumerable<FlowRecord> Flood(long now) => Enumerable.Range(0, 300).Select(i =>
            h.Flow(source, (ushort)(20_000 + i), DetectorHarness.Spoofed((now * 1000) + i, source.Contains(':', StringComparison.Ordinal)), 80, 6, 100, 6000, tcpFlags: 0x02, durationMs: 100));

        h.Run(4, Flood);
        var attack = Assert.Single(h.Started);
        Assert.Equal(AttackDirection.Outgoing, attack.Direction);
        Assert.Equal(source, attack.Victim);
        Assert.Equal(AttackType.SynFlood, attack.Type);
    }

    [Fact]
    public void OutgoingFlood_WithNothingConfigured_IsNotLookedFor()
    {
        var h = new DetectorHarness(Quick());
        h.Run(5, now => Enumerable.Range(0, 300).Select(i => h.Flow("192.0.2.66", (ushort)(20_000 + i), DetectorHarness.Spoofed((now * 1000) + i), 80, 6, 100, 6000, tcpFlags: 0x02)));
        Assert.Empty(h.Started);
    }

    [Fact]
    public void ProtectedNetworks_LeaveOtherDestinationsAlone()
    {
        var h = new DetectorHarness(new DetectionOptions { ProtectedNetworks = ["198.51.100.0/24"] });
        h.Run(5, now => SynFlood(h, "203.0.113.5", 300, 100));
        Assert.Empty(h.Started);
    }

    [Fact]
    public void Sampled_OneInThousand_IsScaled()
    {
        var h = new DetectorHarness(Quick());

        // 40 sampled one-packet records a second at 1:1000 stand for 40,000 SYN packets/s.
        h.Run(3, now => SynFlood(h, "203.0.113.5", 40, 1, salt: now), rate: 1000);
        var attack = Assert.Single(h.Started);
        Assert.Equal(AttackType.SynFlood, attack.Type);
        Assert.Equal(40_000, attack.PeakPacketsPerSecond, 0);
        Assert.Equal(40_000, attack.PeakFlowsPerSecond, 0);
    }

    [Fact]
    public void HostGroup_Thresholds_ApplyToIPv4AndIPv6Members()
    {
        var group = new HostGroup { Name = "DNS servers", Prefixes = ["203.0.113.53", "2001:db8::53"], Incoming = new ThresholdSet { UdpPacketsPerSecond = 5_000 } };
        var h = new DetectorHarness(new DetectionOptions { HostGroups = [group] });
        foreach (var victim in new[] { "203.0.113.53", "2001:db8::53", "203.0.113.54" })
        {
            h.Run(3, now => Enumerable.Range(0, 60).Select(i => h.Flow(DetectorHarness.Spoofed((now * 100) + i, victim.Contains(':', StringComparison.Ordinal)), 5000, victim, 53, 17, 100, 8000)));
        }

        Assert.Equal(["203.0.113.53", "2001:db8::53"], h.Started.Select(a => a.Victim));
        Assert.All(h.Started, a => Assert.Equal("DNS servers", a.HostGroup));
    }

    [Fact]
    public void Hysteresis_AboveEndFraction_KeepsTheAttackOn()
    {
        var h = new DetectorHarness(Quick());
        h.Run(3, now => SynFlood(h, "203.0.113.5", 300, 100));
        Assert.Single(h.Started);

        // 85 % of the threshold: still the same attack. 70 %: below, so it ends after M seconds.
        h.Run(20, now => SynFlood(h, "203.0.113.5", 170, 100));
        Assert.Empty(h.Ended);
        h.Run(5, now => SynFlood(h, "203.0.113.5", 140, 100));
        Assert.Single(h.Ended);
    }

    [Fact]
    public void Evidence_NamesTopSourcesPortsAndSamples()
    {
        var h = new DetectorHarness(Quick());
        h.Run(8, now => Enumerable.Range(0, 20).Select(i => h.Flow($"198.51.100.{i + 1}", 123, "203.0.113.7", (ushort)(30_000 + i), 17, 6000 + ((ulong)i * 100), 6000 * 468UL)));
        var report = Assert.Single(h.Started);
        Assert.Equal(AttackType.NtpAmplification, report.Type);

        h.Run(3, now => Enumerable.Range(0, 20).Select(i => h.Flow($"198.51.100.{i + 1}", 123, "203.0.113.7", (ushort)(30_000 + i), 17, 6000 + ((ulong)i * 100), 6000 * 468UL)));
        var ongoing = h.Detector.OngoingAttacks.Single().Report();
        Assert.Equal("198.51.100.20", ongoing.TopSources[0].Address);
        Assert.Equal(123, ongoing.TopSourcePorts[0].Port);
        Assert.Equal("NTP", ongoing.TopSourcePorts[0].Service);
        Assert.Equal(20, ongoing.DistinctSources);
        Assert.Equal("UDP", ongoing.ProtocolMix[0].Name);
        Assert.NotEmpty(ongoing.SampleFlows);
        Assert.All(ongoing.SampleFlows, f => Assert.Equal("203.0.113.7", f.Destination));
    }

    [Fact]
    public void Evidence_InTheOngoingReport_IsAtMostARefreshOld_AndCurrentWhenTheAttackEnds()
    {
        var h = new DetectorHarness(Quick());
        IEnumerable<FlowRecord> Reflectors(int count) => Enumerable.Range(1, count).Select(i =>
            h.Flow($"198.51.100.{i}", 123, "203.0.113.7", (ushort)(30_000 + i), 17, 6000, 6000 * 468UL));

        // Past the first seconds of evidence, which are shown as they come: from here the view is rebuilt every few seconds.
        h.Run(Attack.EvidenceRefreshSeconds + 8, _ => Reflectors(20));
        Assert.Single(h.Started);
        Assert.Equal(20, h.Detector.OngoingAttacks.Single().Report().DistinctSources);

        // A 21st reflector joins: the ongoing report shows it within one refresh.
        h.Run(Attack.EvidenceRefreshSeconds, _ => Reflectors(21));
        Assert.Equal(21, h.Detector.OngoingAttacks.Single().Report().DistinctSources);

        // A 22nd joins for the flood's last second only: the end report is built from all of the evidence, not a cached view.
        h.Second(Reflectors(22));
        h.Run(8, _ => []);
        var ended = Assert.Single(h.Ended);
        Assert.Equal(22, ended.DistinctSources);
    }

    [Theory]
    [InlineData("203.0.113.9")]
    [InlineData("2001:db8::9")]
    public void LightRecords_ToOneHost_ItsOwnCountMissesAtMostAFloor(string victim)
    {
        var h = new DetectorHarness(Quick());

        // 1,100 records of 100 UDP packets a second: each a tenth of a host's UDP floor (1 % of 100,000 packets/s). The
        // host's prefix is counted first, so its first five records count nowhere (the prefix's half floor) and the next
        // four in the prefix only (the host's own half floor); from the tenth on, all count in the host's own slot.
        h.Run(5, now => Enumerable.Range(0, 1100).Select(i =>
            h.Flow(DetectorHarness.Spoofed((now * 10_000) + i, victim.Contains(':', StringComparison.Ordinal)), 40000, victim, 53, 17, 100, 100 * 512, durationMs: 300)));
        var attack = Assert.Single(h.Started);
        Assert.Equal(victim, attack.Victim);
        Assert.Equal(AttackType.UdpFlood, attack.Type);
        Assert.InRange(attack.PeakPacketsPerSecond, 110_000 - 1000, 110_000);
    }

    /// <summary>A one-packet UDP record from a spoofed source: a thousandth of a host's floor, light wherever it goes.</summary>
    private static FlowRecord OnePacket(DetectorHarness h, string destination, bool ipv6) =>
        h.Flow(DetectorHarness.Spoofed(h.Now, ipv6), 40000, destination, 53, 17, 1, 512, durationMs: 300);

    [Theory]
    [InlineData("203.0.113.9")]
    [InlineData("2001:db8::9")]
    public void HostHeavyTheSecondBefore_TakesItsSlotWithItsFirstRecord_AndIsLightAgainAfterALightSecond(string victim)
    {
        var h = new DetectorHarness(Quick());
        var ipv6 = victim.Contains(':', StringComparison.Ordinal);
        var neighbour = ipv6 ? "2001:db8::77" : "203.0.113.77";

        // A hundred records of 100 UDP packets: ten times a host's floor (1 % of 100,000 packets/s), far under its
        // threshold. The first four floors count in light counts (its prefix's, then its own: twice
        // DetectionShard.PromoteWeight), the other six in its slot: more than the four that make it heavy.
        Assert.True((2 * DetectionShard.PromoteWeight) + DetectionShard.HeavyWeight < 10);
        h.Second(Enumerable.Range(0, 100).Select(i => h.Flow(DetectorHarness.Spoofed(i, ipv6), 40000, victim, 53, 17, 100, 100 * 512, durationMs: 300)));
        Assert.Equal(0, h.Detector.TrackedKeys); // not tracked: a tracked key keeps its slot anyway

        // A one-packet record (a thousandth of a floor) to a host that was light counts in light counts only: no slot.
        h.Shard.Add(OnePacket(h, neighbour, ipv6), 1, h.Now);
        Assert.True(h.Shard.RunningSecondEmpty);

        // The same record to the host that was heavy the second before takes the host's own slot at once.
        h.Shard.Add(OnePacket(h, victim, ipv6), 1, h.Now);
        Assert.False(h.Shard.RunningSecondEmpty);

        // That second was light for it (one packet), so in the next one the host is light again.
        h.Second([]);
        h.Shard.Add(OnePacket(h, victim, ipv6), 1, h.Now);
        Assert.True(h.Shard.RunningSecondEmpty);
    }

    /// <summary>
    /// A record is flow-sized (its destination takes its own slot with it, as the detector keeps its flow) from exactly one
    /// floor of the lowest amount its kind adds to, by protocol, TCP flags and ports, and light one packet (or byte) under
    /// it: the receive path reads a record's share with one inverse floor per packet and one per byte for its kind.
    /// </summary>
    [Theory]
    [InlineData(6, 0x02, 40000, 80, Counter.SynPackets, false)] // SYN-only
    [InlineData(6, 0x12, 80, 40000, Counter.Packets, false)] // SYN-ACK: not a SYN packet
    [InlineData(6, 0x10, 40000, 443, Counter.Packets, false)]
    [InlineData(6, 0x10, 0, 0, Counter.FragmentPackets, false)]
    [InlineData(17, 0, 40000, 53, Counter.UdpPackets, false)]
    [InlineData(17, 0, 123, 40000, Counter.UdpPackets, false)] // from a reflector port: amplification adds no floor
    [InlineData(17, 0, 0, 0, Counter.FragmentPackets, false)]
    [InlineData(1, 0, 0, 0, Counter.IcmpPackets, false)]
    [InlineData(58, 0, 0, 0, Counter.IcmpPackets, false)]
    [InlineData(47, 0, 0, 0, Counter.Packets, false)] // GRE
    [InlineData(17, 0, 40000, 53, Counter.UdpBytes, true)]
    [InlineData(6, 0x10, 40000, 443, Counter.Bytes, true)]
    public void Record_IsFlowSized_FromExactlyOneFloorOfItsKind(int protocol, int tcpFlags, int srcPort, int dstPort, int counter, bool byBytes)
    {
        var floors = new DetectionConfig(new DetectionOptions(), null).FlowFloors;
        var floor = (ulong)floors[counter];
        Assert.Equal(floors[counter], floor); // whole numbers with the default thresholds (1 % of each)
        FlowRecord Record(DetectorHarness h, string destination, ulong amount) => byBytes
            ? h.Flow("198.51.100.1", (ushort)srcPort, destination, (ushort)dstPort, (byte)protocol, 10, amount, (ushort)tcpFlags, durationMs: 300)
            : h.Flow("198.51.100.1", (ushort)srcPort, destination, (ushort)dstPort, (byte)protocol, amount, amount * 40, (ushort)tcpFlags, durationMs: 300);

        var under = new DetectorHarness();
        under.Shard.Add(Record(under, "203.0.113.10", floor - 1), 1, under.Now);
        Assert.True(under.Shard.RunningSecondEmpty);

        var at = new DetectorHarness();
        at.Shard.Add(Record(at, "203.0.113.10", floor), 1, at.Now);
        Assert.False(at.Shard.RunningSecondEmpty);
    }

    [Theory]
    [InlineData("203.0.113.5")]
    [InlineData("2001:db8::5")]
    public void TrackedHostAndPrefix_TakeTheirSlotsWithTheirFirstLightRecord_WhenNotHeavyTheSecondBefore(string victim)
    {
        var h = new DetectorHarness(Quick());
        var ipv6 = victim.Contains(':', StringComparison.Ordinal);
        string CarpetHost(int i) => ipv6 ? $"2001:db8:c::{i:x}" : $"192.0.2.{i}";
        var elsewhere = ipv6 ? "2001:db8:5::77" : "198.51.100.77";

        // One second of 300,000 UDP packets/s to the victim (its threshold: 100,000) and of 250,000 spread over 250 hosts
        // of another prefix (the prefix's threshold: twice a host's; each host's a hundredth of it): the victim and the
        // carpet's prefix are tracked (candidates). Then a quiet second, after which neither was heavy the second before.
        h.Second(Enumerable.Range(0, 300).Select(i => h.Flow(DetectorHarness.Spoofed(i, ipv6), 40000, victim, 53, 17, 1_000, 1_000 * 512, durationMs: 300))
            .Concat(Enumerable.Range(0, 2_500).Select(i => h.Flow(DetectorHarness.Spoofed(1000 + i, ipv6), 40000, CarpetHost(1 + (i % 250)), 53, 17, 100, 100 * 512, durationMs: 300))));
        Assert.Equal(2, h.Detector.TrackedKeys);
        h.Second([]);

        // A one-packet record (a thousandth of a floor) elsewhere counts in light counts only: no slot.
        h.Shard.Add(OnePacket(h, elsewhere, ipv6), 1, h.Now);
        Assert.True(h.Shard.RunningSecondEmpty);

        // The same record to the tracked host takes its own slot.
        h.Shard.Add(OnePacket(h, victim, ipv6), 1, h.Now);
        Assert.False(h.Shard.RunningSecondEmpty);
        h.Second([]);

        // And to a host of the tracked prefix that received nothing before, the prefix's slot.
        Assert.Equal(2, h.Detector.TrackedKeys);
        h.Shard.Add(OnePacket(h, CarpetHost(251), ipv6), 1, h.Now);
        Assert.False(h.Shard.RunningSecondEmpty);
    }

    [Fact]
    public void ManyDestinations_TableIsCappedAndDropsAreCounted()
    {
        // 2,000 packets a record: flow-sized (1 % of the 150,000 packets/s threshold), so every destination takes a slot.
        var h = new DetectorHarness(new DetectionOptions { MaxKeysPerSecond = 4096 });
        h.Second(Enumerable.Range(0, 50_000).Select(i => h.Flow("198.51.100.1", 1000, DetectorHarness.Spoofed(i + 1_000_000), 80, 6, 2_000, 120_000)));
        Assert.True(h.Detector.KeysDropped > 40_000, $"dropped {h.Detector.KeysDropped}");
        Assert.Empty(h.Started);
    }

    [Fact]
    public void ManyLightDestinations_CountedInTheirPrefixes_WithoutASlotEach()
    {
        // One small record each: 50,000 destinations in 196 /24s, far under every floor; none takes a slot of its own.
        var h = new DetectorHarness(new DetectionOptions { MaxKeysPerSecond = 4096 });
        h.Second(Enumerable.Range(0, 50_000).Select(i => h.Flow("198.51.100.1", 1000, DetectorHarness.Spoofed(i + 1_000_000), 80, 6, 1, 60)));
        Assert.Equal(0, h.Detector.KeysDropped);
        Assert.Empty(h.Started);
    }

    [Fact]
    public void CarpetBombing_LightHosts_CountInTheirPrefix_TotalWithinHalfItsFloor()
    {
        var h = new DetectorHarness(Quick());

        // 250 hosts of 192.0.2.0/24, ten records of 100 UDP packets each a second: a record is a tenth of a host's floor
        // (1 % of 100,000), so each host's first records count in the /24 only and the later ones in the host's own slot.
        // The /24 has its own slot from its tenth record (half of its own floor, which is its hosts' times
        // PrefixThresholdFactor, 2); the nine before are all it may miss.
        IEnumerable<FlowRecord> Carpet(long now) => Enumerable.Range(0, 10).SelectMany(k => Enumerable.Range(1, 250).Select(i =>
            h.Flow(DetectorHarness.Spoofed((now * 10_000) + (k * 1000) + i), 40000, $"192.0.2.{i}", 53, 17, 100, 100 * 512, durationMs: 300)));

        h.Run(5, Carpet);
        var attack = Assert.Single(h.Started);
        Assert.Equal(AttackType.CarpetBombing, attack.Type);
        Assert.Equal("192.0.2.0/24", attack.Victim);
        Assert.InRange(attack.PeakPacketsPerSecond, 250_000 - 1000, 250_000);
    }
}
