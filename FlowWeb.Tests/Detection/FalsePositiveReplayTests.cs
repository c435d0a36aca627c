using FlowWeb.Cli.Benchmarks;
using FlowWeb.Core.Detection;

namespace FlowWeb.Tests.Detection;

/// <summary>
/// The false-positive benchmark's simulated day, shortened to one night hour and driven on the detector's own clock:
/// ordinary traffic must raise nothing, and a real flood injected into the same replay must be caught.
/// </summary>
public sealed class FalsePositiveReplayTests
{
    // 01:00-02:00: a 0.9 Gbit/s backup exported every minute (half the packets threshold: counted twice for a
    // second or more at each export it would have been an attack, as it was with a grace second on holds), the
    // night's clients and servers, scanners; and a SYN flood at 1.5x its threshold from 01:30 for 10 s.
    [Fact]
    public void NightHour_BackupAndInjectedSynFlood_OnlyTheFloodIsReported()
    {
        var flood = AttackTraffic.Of(AttackTraffic.Kind.SynFlood, ipv6: false, samplingRate: 1, trial: 0);

        var result = FalsePositiveReplay.Run(new FalsePositiveReplay.Options(Seconds: 3600, ActiveTimeoutSeconds: 60, StartAtSecondOfDay: 3600,
            Attack: flood, AttackAtSecondOfDay: 5400, AttackSeconds: 10));

        var attack = Assert.Single(result.Attacks);
        Assert.Equal(flood.Victim, attack.Victim);
        Assert.Equal(AttackType.SynFlood, attack.Type);
        Assert.Equal(AttackDirection.Incoming, attack.Direction);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(FalsePositiveReplay.Midnight + 5400), attack.Start);
        Assert.True(result.Records > 3_000_000, $"{result.Records} records");

        // The backup did reach the detector, within sight of the packets threshold.
        var packets = Assert.Single(result.Detector.Headroom, p => p.Metric == DetectionMetric.Packets);
        Assert.Equal("from 10.0.10.200", packets.Key);
        Assert.InRange(packets.Value / packets.Threshold, 0.5, 2.5);
    }
}
