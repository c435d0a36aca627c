using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Tests.Aggregation;

public sealed class ToplistSetTests
{
    private static readonly long Start = 1_700_000_100L - (1_700_000_100L % 900);

    private static readonly ToplistDefinition SourceIps = new() { Id = 4, Name = "Top Source IP", Type = ToplistType.TopSourceIp, Count = 2 };

    private static FlowRecord From(uint host) => new() { SrcAddr = FlowAddress.FromIPv4(0x0A00_0000 + host), DstAddr = FlowAddress.FromIPv4(0xC000_0201), Protocol = 6 };

    private static ToplistKey Host(uint host) => new(FlowAddress.FromIPv4(0x0A00_0000 + host));

    [Fact]
    public void Roll_AtPeriodEnd_HandsOverTheClosedPeriodAndStartsANewOne()
    {
        var set = new ToplistSet([SourceIps], capacity: 100, nowSecond: Start + 10);
        var merger = new ToplistPeriodMerger([SourceIps], shards: 1);
        set.Add(From(1), 10, 1);
        set.Add(From(2), 30, 1);
        set.Add(From(3), 20, 1);

        Assert.Null(set.Roll(Start + 899));
        var closed = merger.Offer(0, set.Roll(Start + 905));

        var (definition, result) = Assert.Single(closed);
        Assert.Same(SourceIps, definition);
        // The set started 10 s into the period: the stored period says it covers only from then.
        Assert.Equal((DateTimeOffset.FromUnixTimeSeconds(Start), DateTimeOffset.FromUnixTimeSeconds(Start + 900)), (result.Start, result.End));
        Assert.Equal((DateTimeOffset.FromUnixTimeSeconds(Start + 10), DateTimeOffset.FromUnixTimeSeconds(Start + 900), true), (result.CoveredFrom, result.CoveredTo, result.Partial));
        Assert.Equal([Host(2), Host(3)], result.Rows.Select(r => r.Key));
        Assert.Equal((60L, 3), (result.TotalBytes, result.DistinctKeys));
        var running = set.Snapshot(SourceIps.Id, 10)!;
        Assert.Equal((0, DateTimeOffset.FromUnixTimeSeconds(Start + 900)), (running.DistinctKeys, running.Start));
        Assert.Same(result, Assert.Single(merger.Completed(SourceIps.Id)));
    }

    [Fact]
    public void Offer_TwoShards_MergedOnlyOnceBothClosedThePeriodAndEqualToOneShard()
    {
        var single = new ToplistSet([SourceIps], 100, Start);
        ToplistSet[] shards = [new([SourceIps], 100, Start), new([SourceIps], 100, Start)];
        for (uint i = 0; i < 40; i++)
        {
            // Hosts 0-9 on both shards, so their rows must be summed.
            single.Add(From(i % 13), 100 + i, 1);
            shards[i % 2].Add(From(i % 13), 100 + i, 1);
        }

        var merger = new ToplistPeriodMerger([SourceIps], shards: 2);
        var first = merger.Offer(0, shards[0].Roll(Start + 900));
        var second = merger.Offer(1, shards[1].Roll(Start + 901));
        var expected = new ToplistPeriodMerger([SourceIps], 1).Offer(0, single.Roll(Start + 900));

        Assert.Empty(first);
        var merged = Assert.Single(second).Result;
        var truth = Assert.Single(expected).Result;
        Assert.Equal(truth.Rows, merged.Rows);
        Assert.Equal((truth.TotalBytes, truth.TotalFlows, truth.Approximate, truth.ErrorBound), (merged.TotalBytes, merged.TotalFlows, merged.Approximate, merged.ErrorBound));
    }

    [Fact]
    public void Offer_ShardIdleThroughAPeriod_MergedWhenItClosesALaterOne()
    {
        var merger = new ToplistPeriodMerger([SourceIps], shards: 2);
        var busy = new ToplistSet([SourceIps], 100, Start);
        var idle = new ToplistSet([SourceIps], 100, Start + 900);
        busy.Add(From(1), 10, 1);

        Assert.Empty(merger.Offer(0, busy.Roll(Start + 900)));
        var late = merger.Offer(1, idle.Roll(Start + 1800));
        var next = merger.Offer(0, busy.Roll(Start + 1800));

        // The idle shard never had the first period: its later one proves it never will. The second period waits for the busy shard.
        Assert.Equal([(Start, 10L)], late.Select(p => (p.Result.Start.ToUnixTimeSeconds(), p.Result.TotalBytes)));
        Assert.Equal([(Start + 900, 0L)], next.Select(p => (p.Result.Start.ToUnixTimeSeconds(), p.Result.TotalBytes)));
    }

    [Fact]
    public void Merge_RunningSummariesOfTwoShards_KeyMissingFromOneGetsThatShardsFloorAsError()
    {
        ToplistSet[] shards = [new([SourceIps], 100, Start), new([SourceIps], 100, Start)];
        shards[0].Add(From(1), 1000, 1);
        shards[0].Add(From(2), 300, 1);
        shards[0].Add(From(4), 200, 1);
        shards[1].Add(From(2), 500, 1);
        shards[1].Add(From(3), 400, 1);

        // Shard 0 lists its best two (floor 300), shard 1 its best one (floor 500): host 1 may have had up to 500
        // on shard 1; host 2 is listed by both, so it is exact.
        var merged = ToplistPeriodState.Merge([shards[0].RunningSummary(4, 2)!, shards[1].RunningSummary(4, 1)!], 2);

        Assert.True(merged.Approximate);
        Assert.Equal(800, merged.ErrorBound);
        Assert.Equal([new ToplistRow(Host(1), 1500, 1, 1, 500), new ToplistRow(Host(2), 800, 2, 2, 0)], merged.Rows);
        Assert.Equal(2400, merged.TotalBytes);
    }

    [Fact]
    public void Snapshot_ExactListWithMoreKeysThanShown_NoBoundFromTheRowsLeftOut()
    {
        var set = new ToplistSet([SourceIps], 100, Start);
        for (uint i = 1; i <= 5; i++)
        {
            set.Add(From(i), 100 * i, 1);
        }

        var top2 = set.Snapshot(SourceIps.Id, 2)!;

        Assert.Equal((false, 0L, 5), (top2.Approximate, top2.ErrorBound, top2.DistinctKeys));
        Assert.Equal([Host(5), Host(4)], top2.Rows.Select(r => r.Key));
    }

    [Fact]
    public void Drain_RunningPeriods_HandedOverOnceAndEmptied()
    {
        var talkers = new ToplistDefinition { Id = 1, Name = "Top Talkers", Type = ToplistType.TopTalkers };
        var set = new ToplistSet([SourceIps, talkers], 100, Start);
        set.Add(From(7), 70, 1);

        var drained = ToplistPeriodMerger.MergeDrained(set.Drain(Start + 300));
        var again = set.Drain(Start + 301);

        Assert.Equal([4, 1], drained.Select(d => d.Definition.Id));
        Assert.All(drained, d => Assert.Equal(70, d.Result.TotalBytes));

        // A graceful stop cuts the period: what is stored covers the period up to the stop, not its scheduled end.
        Assert.All(drained, d => Assert.Equal((DateTimeOffset.FromUnixTimeSeconds(Start), DateTimeOffset.FromUnixTimeSeconds(Start + 301)), (d.Result.CoveredFrom, d.Result.CoveredTo)));
        Assert.Empty(again);
        Assert.Equal(0, set.Snapshot(4, 10)!.TotalFlows);
    }

    [Fact]
    public void Restart_DuringAPeriod_BothHalvesSayWhatTheyCovered()
    {
        var before = new ToplistSet([SourceIps], 100, Start + 5);
        before.Add(From(1), 100, 1);
        var first = Assert.Single(ToplistPeriodMerger.MergeDrained(before.Drain(Start + 200))).Result;

        var after = new ToplistSet([SourceIps], 100, Start + 260);
        after.Add(From(1), 50, 1);
        var second = Assert.Single(new ToplistPeriodMerger([SourceIps], 1).Offer(0, after.Roll(Start + 900))).Result;

        Assert.Equal((Start + 5, Start + 201), (first.CoveredFrom.ToUnixTimeSeconds(), first.CoveredTo.ToUnixTimeSeconds()));
        Assert.Equal((Start + 260, Start + 900), (second.CoveredFrom.ToUnixTimeSeconds(), second.CoveredTo.ToUnixTimeSeconds()));
        Assert.Equal((first.Start, first.End), (second.Start, second.End));
    }
}
