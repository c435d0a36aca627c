using FlowWeb.Core.Detection;
using FlowWeb.Core.Detection.Evidence;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Detection;

/// <summary>An attack's distinct sources (<see cref="HyperLogLog"/>): exact while few, within its error beyond.</summary>
public class HyperLogLogTests
{
    private static List<FlowAddress> Sources(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => FlowAddress.FromIPv4((uint)random.Next())).Distinct()];

    [Fact]
    public void UpToTheExactLimit_CountsEverySetExactly_AlsoMergedAndWithRepeats()
    {
        // 1,280 sets of 1-64 addresses: two of them share one of the 1,024 registers in about one set of five at 22
        // sources and in most at 64, where linear counting over the registers reads one or more too few.
        var random = new Random(20261206);
        for (var round = 0; round < 20; round++)
        {
            for (var n = 1; n <= HyperLogLog.ExactUpTo; n++)
            {
                var sources = Sources(random, n);
                var whole = new HyperLogLog();
                var first = new HyperLogLog();
                var second = new HyperLogLog();
                for (var i = 0; i < sources.Count; i++)
                {
                    var hash = AddressHash.Of(sources[i]);
                    whole.Add(hash);
                    whole.Add(hash);
                    (i % 2 == 0 ? first : second).Add(hash);
                }

                first.Merge(second);
                Assert.Equal(sources.Count, whole.Estimate());
                Assert.Equal(sources.Count, first.Estimate());
            }
        }
    }

    [Theory]
    [InlineData(65)]
    [InlineData(1_000)]
    [InlineData(100_000)]
    public void PastTheExactLimit_EstimatesWithinTheRegistersError(int count)
    {
        var sources = Sources(new Random(count), count);
        var merged = new HyperLogLog();
        var part = new HyperLogLog();
        foreach (var source in sources)
        {
            (merged.Estimate() < HyperLogLog.ExactUpTo / 2 ? merged : part).Add(AddressHash.Of(source));
        }

        merged.Merge(part);

        // 3.3 % standard error: five of them.
        Assert.InRange(merged.Estimate(), sources.Count * 0.835, sources.Count * 1.165);
    }

    [Fact]
    public void Clear_StartsExactAgain()
    {
        var hll = new HyperLogLog();
        foreach (var source in Sources(new Random(1), 500))
        {
            hll.Add(AddressHash.Of(source));
        }

        hll.Clear();
        hll.Add(AddressHash.Of(FlowAddress.Parse("198.51.100.1")));
        hll.Add(AddressHash.Of(FlowAddress.Parse("2001:db8::1")));
        Assert.Equal(2, hll.Estimate());
    }
}
