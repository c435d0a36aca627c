using FlowWeb.Core.Decoding;

namespace FlowWeb.Tests.Decoding;

/// <summary>Boot time of exporters that send only uptime-relative IPFIX times (RouterOS 6.x).</summary>
public sealed class BootTimeEstimatorTests
{
    private const long Export = 1_500_481_088_000;

    [Fact]
    public void Observe_First_EstimateIsExportMinusFreshestEnd()
    {
        var b = new BootTimeEstimator();
        Assert.False(b.HasEstimate);
        b.Observe(Export, 2_666_795_750);
        Assert.Equal(Export - 2_666_795_750, b.EstimateMs);
    }

    [Fact]
    public void Observe_KeepsTheEarliestCandidate()
    {
        var b = new BootTimeEstimator();
        b.Observe(Export, 1_000_000);
        b.Observe(Export + 10_000, 1_005_000); // exported 5 s after its freshest flow ended: later candidate, ignored
        Assert.Equal(Export - 1_000_000, b.EstimateMs);
        b.Observe(Export + 20_000, 1_020_500); // a fresher flow: 500 ms earlier boot
        Assert.Equal(Export - 1_000_500, b.EstimateMs);
        Assert.Equal(0, b.Reboots);
    }

    [Fact]
    public void Observe_ThreeMessagesFromAfterAReboot_RestartTheEstimate()
    {
        var b = new BootTimeEstimator();
        b.Observe(Export, 100_000_000);
        var rebootedAt = Export + 60_000;
        b.Observe(rebootedAt + 30_000, 30_000);
        b.Observe(rebootedAt + 40_000, 40_000);
        Assert.Equal(Export - 100_000_000, b.EstimateMs);
        b.Observe(rebootedAt + 50_000, 50_000);
        Assert.Equal(rebootedAt, b.EstimateMs);
        Assert.Equal(1, b.Reboots);
    }

    [Fact]
    public void Observe_LateCandidatesInterruptedByANormalOne_AreNotAReboot()
    {
        var b = new BootTimeEstimator();
        b.Observe(Export, 100_000_000);
        b.Observe(Export + 1_000_000, 1_000);
        b.Observe(Export + 1_000_100, 1_100);
        b.Observe(Export + 2_000_000, 102_000_000); // consistent with the old boot time
        b.Observe(Export + 2_000_100, 2_000);
        b.Observe(Export + 2_000_200, 2_100);
        Assert.Equal(Export - 100_000_000, b.EstimateMs);
        Assert.Equal(0, b.Reboots);
    }
}
