using FlowWeb.Core.Detection;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Detection;

/// <summary>
/// Light long records of destinations neither tracked nor heavy the second before are sampled (threshold sampling, see
/// <see cref="DetectionShard.EstimateBelow"/>): a prefix's and a host's amounts are estimates within a few percent, and a
/// watched prefix, or a host heavy the second before, counts every record again. Each case one record at a time and in
/// batches of 30, as a receive thread adds a datagram's records (the path that weighs them in a pass of their own).
/// </summary>
public sealed class PrefixEstimateTests
{
    /// <summary>IPv4 or IPv6, and the batch size (0: one record at a time; see <see cref="DetectorHarness.BatchSize"/>).</summary>
    public static TheoryData<bool, int> Ways => new() { { false, 0 }, { true, 0 }, { false, 30 }, { true, 30 } };

    /// <summary>
    /// A record of 20 UDP packets over 2 s (10 packets/s, a hundredth of a host's UDP floor: under
    /// <see cref="DetectionShard.EstimateBelow"/>, a tenth, so counted with a chance of one in ten) from spoofed source
    /// <paramref name="n"/> to <paramref name="destination"/>.
    /// </summary>
    private static FlowRecord Light(DetectorHarness h, long n, string destination, bool ipv6) =>
        h.Flow(DetectorHarness.Spoofed(n, ipv6), 40000, destination, 53, 17, 20, 20 * 512, durationMs: 2_000);

    /// <summary>
    /// <paramref name="perHost"/> <see cref="Light"/> records a second to each of 250 hosts of 192.0.2.0/24, from a new
    /// source each. Every record's rate is held for its 2 s, so the /24
    /// receives 250 × perHost × 2 × 10 UDP packets/s; no host comes near its own slot (perHost hundredths of a floor a second).
    /// </summary>
    private static IEnumerable<FlowRecord> LongLight(DetectorHarness h, int perHost, bool ipv6) =>
        Enumerable.Range(0, perHost).SelectMany(k => Enumerable.Range(1, 250).Select(i =>
            Light(h, (h.Now * 100_000) + (k * 1000) + i, ipv6 ? $"2001:db8:c::{i:x}" : $"192.0.2.{i}", ipv6)));

    [Theory]
    [MemberData(nameof(Ways))]
    public void LongLightRecords_InABusyPrefix_AreEstimated_WithinFivePercentOfTheRate(bool ipv6, int batchSize)
    {
        var h = new DetectorHarness { BatchSize = batchSize };

        // 100,000 UDP packets/s: half the /24's threshold (twice a host's 100,000), 50 of its floors. An estimate's standard
        // error is then at most sqrt(0.05 × 50) = 1.6 floors (a tenth of a host's floor is 0.05 of the /24's), 3.2 %; ten
        // seconds' peak stays within five of them.
        h.Run(10, _ => LongLight(h, 20, ipv6));
        Assert.Empty(h.Started);
        var udp = h.Detector.Headroom.Single(p => p.Metric == DetectionMetric.UdpPackets);
        Assert.Equal(ipv6 ? "to 2001:db8:c::/64" : "to 192.0.2.0/24", udp.Key);
        Assert.InRange(udp.Value, 100_000 * 0.95, 100_000 * 1.16);

        // Nine in ten of its records are not counted themselves (the prefix has its slot from the first second on).
        Assert.InRange(h.Detector.RecordsEstimated, 10 * 5_000 * 8 / 10, 10 * 5_000 * 95 / 100);
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public void CarpetBombing_OfLongLightRecords_IsDetected_AndCountedExactlyOnceWatched(bool ipv6, int batchSize)
    {
        var h = new DetectorHarness { BatchSize = batchSize };

        // 300,000 UDP packets/s to the /24: one and a half times its threshold.
        for (var s = 0; s < 8 && !h.Started.Any(); s++)
        {
            h.Second(LongLight(h, 60, ipv6));
        }

        var attack = Assert.Single(h.Started);
        Assert.Equal(AttackType.CarpetBombing, attack.Type);
        Assert.Equal(ipv6 ? "2001:db8:c::/64" : "192.0.2.0/24", attack.Victim);
        Assert.True(h.Detector.RecordsEstimated > 0, "no record was estimated before the prefix was watched");

        // Watched (a candidate, then an attack): every record counts in it again, with its evidence.
        var estimated = h.Detector.RecordsEstimated;
        h.Run(3, _ => LongLight(h, 60, ipv6));
        Assert.Equal(estimated, h.Detector.RecordsEstimated);
        Assert.InRange(h.Detector.OngoingAttacks.Single().Report().PeakPacketsPerSecond, 300_000 * 0.9, 300_000 * 1.1);
    }

    /// <summary>
    /// <paramref name="count"/> <see cref="Light"/> records to one host in a second, from a new source each: counted with a
    /// chance of one in ten while the host was not heavy the second before.
    /// </summary>
    private static IEnumerable<FlowRecord> ToOneHost(DetectorHarness h, int count, bool ipv6) =>
        Enumerable.Range(0, count).Select(k => Light(h, (h.Now * 100_000) + k, ipv6 ? "2001:db8:c::7" : "192.0.2.7", ipv6));

    [Theory]
    [MemberData(nameof(Ways))]
    public void LongLightRecords_ToOneHost_AreEstimatedUntilItIsHeavy_AndTheirFloodIsDetected(bool ipv6, int batchSize)
    {
        var h = new DetectorHarness { BatchSize = batchSize };

        // 7,500 records a second, each held at 10 packets/s for 2 s: 75,000 UDP packets/s in the first second, 150,000 from
        // the second on, one and a half times a host's threshold. In the first second the host is new: nine in ten of its
        // records are not counted and the others stand for them (its slot's amounts are estimates, 75 floors with a standard error of
        // at most sqrt(0.1 × 75) = 2.7 floors); from the second on it was heavy the second before and counts every record.
        h.Second(ToOneHost(h, 7_500, ipv6));
        var estimated = h.Detector.RecordsEstimated;
        Assert.InRange(estimated, 7_500 * 85 / 100, 7_500 * 95 / 100);

        for (var s = 0; s < 6 && !h.Started.Any(); s++)
        {
            h.Second(ToOneHost(h, 7_500, ipv6));
        }

        var attack = Assert.Single(h.Started);
        Assert.Equal(AttackType.UdpFlood, attack.Type);
        Assert.Equal(ipv6 ? "2001:db8:c::7" : "192.0.2.7", attack.Victim);
        Assert.Equal(estimated, h.Detector.RecordsEstimated);
        Assert.InRange(h.Detector.OngoingAttacks.Single().Report().PeakPacketsPerSecond, 150_000 * 0.95, 150_000 * 1.05);
    }
}
