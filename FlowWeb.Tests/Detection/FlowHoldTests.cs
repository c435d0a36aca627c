using FlowWeb.Core.Detection;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Detection;

/// <summary>
/// Long flows' held rates carry the flow's identity: a flow's next record replaces what is left of its previous
/// record's hold instead of adding to it, across receive threads, within the hold bounds.
/// </summary>
public sealed class FlowHoldTests
{
    private const string Victim = "10.0.10.201";
    private const double PacketsPerSecond = 100_000; // 1.2 Gbit/s in 1,500-byte packets: 2/3 of the packets threshold

    /// <summary>
    /// The false-positive replay's 03:00:15 attack, reduced to one flow: a 1.2 Gbit/s transfer exported every minute
    /// (one export a second early) ends 20 s after an export; its last record arrives at the inactive timeout, 15 s
    /// later, while the previous record's rate is still held for 25 s. Counted twice that is 200,000 packets/s and
    /// 2.4 Gbit/s for 20 s: a TCP flood. Counted once it never goes above the flow's own rate.
    /// </summary>
    [Fact]
    public void LongTransfer_LastRecordWhilePreviousIsHeld_CountsTheFlowOnce()
    {
        var h = new DetectorHarness(new DetectionOptions { EndAfterSeconds = 5 });
        foreach (var (wait, durationMs, exportDelayMs) in Exports())
        {
            h.Run(wait, _ => []);
            h.Second([Transfer(h, durationMs, exportDelayMs)]);
        }

        for (var s = 0; s < 70; s++)
        {
            h.Second([]);
        }

        Assert.Empty(h.Changes);

        // The flow reached the detector at its real rate and never above it (the highest packets/s of any key in any
        // second), and its last record replaced a running hold (so did the early export).
        var packets = Assert.Single(h.Detector.Headroom, p => p.Metric == DetectionMetric.Packets);
        Assert.Equal("to " + Victim, packets.Key);
        Assert.InRange(packets.Value, PacketsPerSecond * 0.99, PacketsPerSecond * 1.01);
        Assert.Equal(2, h.Detector.HoldsReplaced);
        Assert.Equal(0, h.Detector.HoldsRefused);
        Assert.Equal(0, h.Detector.TrackedKeys);
    }

    /// <summary>The same flow with its records arriving on two receive threads: the detector still sees one flow.</summary>
    [Fact]
    public void LongTransfer_RecordsOnDifferentShards_CountsTheFlowOnce()
    {
        var h = new DetectorHarness(new DetectionOptions { EndAfterSeconds = 5 });
        var shards = h.Detector.CreateShards(2, h.Now);
        var turn = 0;
        foreach (var (wait, durationMs, exportDelayMs) in Exports())
        {
            for (var s = 0; s < wait; s++)
            {
                Second(h, shards, null, 0);
            }

            Second(h, shards, Transfer(h, durationMs, exportDelayMs), turn++ % 2);
        }

        for (var s = 0; s < 70; s++)
        {
            Second(h, shards, null, 0);
        }

        Assert.Empty(h.Changes);
        var packets = Assert.Single(h.Detector.Headroom, p => p.Metric == DetectionMetric.Packets);
        Assert.InRange(packets.Value, PacketsPerSecond * 0.99, PacketsPerSecond * 1.01);
        Assert.Equal(2, h.Detector.HoldsReplaced);
    }

    /// <summary>A burst of flow-sized long records to distinct hosts fills both bounds; what did not fit is counted, and still counts.</summary>
    [Fact]
    public void ManyFlowSizedRecords_AreBoundedAndCounted()
    {
        var h = new DetectorHarness(new DetectionOptions { MaxHoldEntries = 1000 });
        var records = Enumerable.Range(0, SecondTable.MaxFlowEntries + 500)
            .Select(i => h.Flow("198.51.100.7", 443, $"10.{(i >> 8) & 255}.{i & 255}.1", 50000, 6,
                60 * 2_000, 60 * 2_000 * 1500UL, tcpFlags: 0x18, durationMs: 60_000, exportDelayMs: 0))
            .ToList();
        h.Second(records);

        Assert.Equal(500, h.Detector.FlowsWithoutIdentity);
        Assert.True(h.Detector.HoldsRefused > 0, $"refused {h.Detector.HoldsRefused}");
        Assert.Empty(h.Changes);

        // Each flow counted in its second either way, held or not: 2,000 packets/s on its host (each in a /24 of its own).
        var packets = Assert.Single(h.Detector.Headroom, p => p.Metric == DetectionMetric.Packets);
        Assert.InRange(packets.Value, 1999, 2001);
    }

    /// <summary>
    /// An attack carried on by many small long records (each second's share of them under 1 % of every threshold, so
    /// a second of them alone is negligible): while the key has state, every second's share is held, and the sum of
    /// two minutes of them keeps the attack going after the short-record flood that started it stops.
    /// </summary>
    [Fact]
    public void TrackedKey_OnlySmallLongRecords_TheirHeldRatesKeepTheAttack()
    {
        var h = new DetectorHarness(new DetectionOptions { EndAfterSeconds = 10 });
        var n = 0L;

        // 14 records a second of 100 packets/s for 120 s each: 1,400 packets/s held per second (the floor is 1,500),
        // 168,000 packets/s once two minutes of them are held (the threshold is 150,000, the end 80 % of it).
        IEnumerable<FlowRecord> Long() => Enumerable.Range(0, 14).Select(_ =>
            h.Flow(DetectorHarness.Spoofed(n++), 40000, Victim, 443, 6, 12_000, 12_000 * 1500UL, tcpFlags: 0x18, durationMs: 120_000, exportDelayMs: 0));
        IEnumerable<FlowRecord> Flood() => Enumerable.Range(0, 10).Select(_ =>
            h.Flow(DetectorHarness.Spoofed(n++), 40001, Victim, 80, 6, 20_000, 20_000 * 100UL, tcpFlags: 0x10));

        h.Run(130, _ => [.. Flood(), .. Long()]);
        Assert.Equal(Victim, Assert.Single(h.Started).Victim);

        h.Run(90, _ => Long());

        Assert.Empty(h.Ended);
    }

    /// <summary>(seconds to wait before it, record duration, export delay): five minute exports, one a second early, then the last.</summary>
    private static IEnumerable<(int Wait, long DurationMs, long ExportDelayMs)> Exports()
    {
        yield return (0, 60_000, 0);
        yield return (59, 60_000, 0);
        yield return (58, 59_000, 0); // the router's cache scan came a second early
        yield return (59, 60_000, 0);
        yield return (59, 60_000, 0);

        // The transfer ends 20 s after the last export; its last record comes 15 s after that.
        yield return (34, 20_000, 15_000);
    }

    private static FlowRecord Transfer(DetectorHarness h, long durationMs, long exportDelayMs)
    {
        var packets = (ulong)(PacketsPerSecond * durationMs / 1000);
        return h.Flow("198.51.100.7", 443, Victim, 50000, 6, packets, packets * 1500, tcpFlags: 0x18, durationMs: durationMs, exportDelayMs: exportDelayMs);
    }

    private static void Second(DetectorHarness h, IReadOnlyList<DetectionShard> shards, FlowRecord? record, int shard)
    {
        var now = h.Now;
        if (record is { } r)
        {
            shards[shard].Add(r, 1, now, FlowAddress.Parse("192.0.2.1"));
        }

        h.Time.Advance(TimeSpan.FromSeconds(1));
        foreach (var s in shards)
        {
            s.Roll(h.Now);
        }

        h.Changes.AddRange(h.Detector.Tick(h.Now));
    }
}
