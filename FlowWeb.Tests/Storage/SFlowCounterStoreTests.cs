using FlowWeb.Core.Decoding.SFlow;
using FlowWeb.Core.Storage.History;
using Xunit;

namespace FlowWeb.Tests.Storage;

/// <summary>
/// The sFlow counters history query against a real SQLite file: the sub-agent is filtered in SQL, and a query that
/// could return more than <see cref="SFlowCounterStore.MaxRows"/> rows is refused whole, never cut off.
/// </summary>
public sealed class SFlowCounterStoreTests
{
    private static readonly long Minute = TestDatabase.Now.ToUnixTimeSeconds() / 60 * 60;

    private static readonly SFlowCounterStore.MinuteDelta Delta = new(new(1_000, 2_000, 0, 0, 0, 0, 30_000, 1, 0), 1_000_000_000);

    [Fact]
    public async Task Query_SubAgent_OnlyThatSubAgentsRowsAreRead()
    {
        using var database = await TestDatabase.CreateAsync();
        var store = new SFlowCounterStore(database.Connections);
        await store.AddAsync([
            (new("192.0.2.1", 0, 5, Minute), Delta),
            (new("192.0.2.1", 1, 5, Minute), Delta),
            (new("192.0.2.1", 1, 5, Minute - 60), Delta),
            (new("192.0.2.1", 2, 6, Minute), Delta)]);

        var found = await store.QueryAsync("192.0.2.1", 1, 5, TestDatabase.Now.AddHours(-1), TestDatabase.Now.AddHours(1), 60);

        Assert.Equal(1, found.Interfaces);
        Assert.False(found.OverCap);
        Assert.Equal([(1u, Minute - 60), (1u, Minute)], found.Buckets.Select(b => (b.SubAgent, b.Start.ToUnixTimeSeconds())));
        var all = await store.QueryAsync("192.0.2.1", null, null, TestDatabase.Now.AddHours(-1), TestDatabase.Now.AddHours(1), 60);
        Assert.Equal((3, 4), (all.Interfaces, all.Buckets.Count));
    }

    [Fact]
    public async Task Query_InterfacesTimesBucketsOverMaxRows_RefusedWithoutRowsAndOneInterfaceIsRead()
    {
        using var database = await TestDatabase.CreateAsync();
        var store = new SFlowCounterStore(database.Connections);
        await store.AddAsync([(new("192.0.2.1", 0, 1, Minute), Delta), (new("192.0.2.1", 0, 2, Minute), Delta)]);

        // 50,001 minutes for two interfaces is 100,002 rows at most: one more bucket than the cap allows for two.
        var from = TestDatabase.Now.AddMinutes(-50_000);
        var to = TestDatabase.Now.AddMinutes(1);
        var both = await store.QueryAsync("192.0.2.1", null, null, from, to, 60);
        var one = await store.QueryAsync("192.0.2.1", null, 2, from, to, 60);

        Assert.Equal((2, 50_001L, 100_002L, true), (both.Interfaces, both.BucketsPerInterface, both.RowsAtMost, both.OverCap));
        Assert.Empty(both.Buckets);
        Assert.False(one.OverCap);
        Assert.Equal(2u, Assert.Single(one.Buckets).IfIndex);
    }

    [Fact]
    public void MinuteDelta_Add_EveryPartSummedTheLatestSpeedKeptAndSinceTakesItBack()
    {
        var first = new SFlowCounterTotals(1, 20, 300, 4_000, 50_000, 600_000, 7_000_000, 8, 9);
        var more = new SFlowCounterTotals(10, 2, 30, 400, 5, 60, 700, 80, 90);

        var sum = new SFlowCounterStore.MinuteDelta(first, 100).Add(more, 1_000);

        Assert.Equal(new SFlowCounterTotals(11, 22, 330, 4_400, 50_005, 600_060, 7_000_700, 88, 99), sum.Increase);
        Assert.Equal(1_000UL, sum.IfSpeed);
        Assert.Equal(more, sum.Increase.Since(first));
    }

    [Theory]
    [InlineData(0, 120, 60, 2)]
    [InlineData(30, 150, 60, 3)]
    [InlineData(0, 1, 60, 1)]
    [InlineData(59, 61, 60, 2)]
    [InlineData(0, 7_200, 3_600, 2)]
    [InlineData(1_800, 7_201, 3_600, 3)]
    public void BucketsIn_UnalignedRange_CountsEveryBucketItTouches(int fromSecond, int toSecond, int bucketSeconds, long expected)
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(1_741_608_000);
        Assert.Equal(expected, SFlowCounterStore.BucketsIn(start.AddSeconds(fromSecond), start.AddSeconds(toSecond), bucketSeconds));
    }
}
