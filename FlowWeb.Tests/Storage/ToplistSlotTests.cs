using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;

namespace FlowWeb.Tests.Storage;

/// <summary>
/// Toplist periods across a restart (issue 12, item 9), from the aggregation's own hand-overs through the history
/// writer into a real SQLite file: the period a restart cut is stored as two pieces, each with the span it covered,
/// and read back as one slot marked partial; a stored period is approximate only when its counts really are.
/// </summary>
public sealed class ToplistSlotTests
{
    private static readonly Guid Sensor = Guid.Parse("21111111-2222-3333-4444-555555555555");
    private static readonly DateTimeOffset Day = new(2025, 3, 9, 0, 0, 0, TimeSpan.Zero);
    private static readonly long D = Day.ToUnixTimeSeconds();
    private static readonly ToplistDefinition Sources = new() { Id = 4, Name = "Top Source IP", Type = ToplistType.TopSourceIp, Count = 10 };

    [Fact]
    public async Task RestartDuringAPeriod_ShownOnceAsPartialWithBothPiecesSummed()
    {
        using var database = await TestDatabase.CreateAsync();
        using var writer = database.CreateWriter();

        // Started a minute into the period, stopped gracefully at 00:07, started again at 00:10.
        var before = new ToplistSet([Sources], 100, D + 60);
        before.Add(From(1), 1_000, 1);
        foreach (var (_, result) in ToplistPeriodMerger.MergeDrained(before.Drain(D + 420)))
        {
            Assert.True(writer.TryWriteToplist(Sensor, Sources.Id, result));
        }

        var after = new ToplistSet([Sources], 100, D + 600);
        var merger = new ToplistPeriodMerger([Sources], 1);
        after.Add(From(1), 500, 1);
        after.Add(From(2), 300, 1);
        WriteClosed(writer, merger, after.Roll(D + 900));
        after.Add(From(3), 100, 1);
        WriteClosed(writer, merger, after.Roll(D + 1800));
        await writer.FlushAsync();

        var query = database.CreateQuery();
        var slots = await query.GetToplistSlotsAsync(Sensor, Sources.Id, Sources.PeriodMinutes, Day, Day.AddHours(1));

        Assert.Equal(2, slots.Count);
        var cut = slots[0];
        Assert.Equal((Day, Day.AddMinutes(15), 2), (cut.Start, cut.End, cut.Pieces.Count));
        Assert.Equal([(D + 60, D + 421), (D + 600, D + 900)], cut.Pieces.Select(p => (p.Start.ToUnixTimeSeconds(), p.End.ToUnixTimeSeconds())));
        Assert.Equal((361 + 300L, true, false), (cut.CoveredSeconds, cut.Partial, cut.Approximate));
        var whole = slots[1];
        Assert.Equal((Day.AddMinutes(15), 1, false), (whole.Start, whole.Pieces.Count, whole.Partial));

        var merged = await query.MergeToplistPeriodsAsync(Sensor, Sources.Id, cut.Start, cut.End);
        Assert.Equal([(FlowAddress.FromIPv4(0x0A000001), 1_500L), (FlowAddress.FromIPv4(0x0A000002), 300L)], merged.Rows.Select(r => (r.Key.A, r.Bytes)));
        Assert.False(merged.Approximate);
    }

    [Fact]
    public void Approximate_OnlyWhenAPieceWasOrSeveralTruncatedPiecesAreSummed()
    {
        var exactTopN = Info(1, D, D + 900, approximate: false, distinct: 50, stored: 10);
        Assert.False(ToplistSlot.Group([exactTopN], 15).Single().Approximate);

        var twoTruncated = ToplistSlot.Group([Info(1, D, D + 300, false, 50, 10), Info(2, D + 400, D + 900, false, 50, 10)], 15).Single();
        Assert.True(twoTruncated.Approximate);
        Assert.True(twoTruncated.Partial);

        var twoComplete = ToplistSlot.Group([Info(1, D, D + 300, false, 5, 5), Info(2, D + 300, D + 900, false, 7, 7)], 15).Single();
        Assert.False(twoComplete.Approximate);
        Assert.False(twoComplete.Partial);

        Assert.True(ToplistSlot.Group([Info(1, D, D + 900, approximate: true, 5, 5)], 15).Single().Approximate);
    }

    [Fact]
    public void Group_StoredWithALongerPeriodThanTodays_IsASlotOfItsOwn()
    {
        var slots = ToplistSlot.Group([Info(1, D, D + 3600, false, 1, 1), Info(2, D + 3600, D + 3900, false, 1, 1)], 5);

        Assert.Equal([(D, D + 3600), (D + 3600, D + 3900)], slots.Select(s => (s.Start.ToUnixTimeSeconds(), s.End.ToUnixTimeSeconds())));
        Assert.All(slots, s => Assert.False(s.Partial));
    }

    private static void WriteClosed(HistoryWriter writer, ToplistPeriodMerger merger, List<ToplistPeriodState>? closed)
    {
        foreach (var (_, result) in merger.Offer(0, closed))
        {
            Assert.True(writer.TryWriteToplist(Sensor, Sources.Id, result));
        }
    }

    private static FlowRecord From(uint host) => new() { SrcAddr = FlowAddress.FromIPv4(0x0A000000 + host), DstAddr = FlowAddress.FromIPv4(0xC0000201), Protocol = 6 };

    private static ToplistPeriodInfo Info(long id, long start, long end, bool approximate, int distinct, int stored) =>
        new(id, DateTimeOffset.FromUnixTimeSeconds(start), DateTimeOffset.FromUnixTimeSeconds(end), 1, 1, 1, approximate, 0, distinct, stored);
}
