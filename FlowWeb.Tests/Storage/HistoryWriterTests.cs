using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Storage.History;

namespace FlowWeb.Tests.Storage;

public sealed class HistoryWriterTests
{
    private static readonly Guid Sensor = Guid.Parse("11111111-2222-3333-4444-555555555555");
    private static readonly DateTimeOffset Day = new(2025, 3, 9, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Flush_MinutesWithLateAddition_MinuteHourAndDayRowsAddUpAndPeakIsMax()
    {
        using var database = await TestDatabase.CreateAsync();
        using var writer = database.CreateWriter();
        Assert.True(writer.TryWriteMinutes(
        [
            Row(1, Day.AddHours(12), 100, peak: 5),
            Row(1, Day.AddHours(12).AddMinutes(1), 200, peak: 9),
            Row(1, Day.AddHours(13).AddMinutes(5), 50, peak: 3),
            Row(2, Day.AddHours(12), 7, peak: 1),
            Row(1, Day.AddDays(1).AddMinutes(10), 10, peak: 1),
        ]));
        await writer.FlushAsync();

        // Late traffic for minute 12:00, handed over after that minute was written.
        Assert.True(writer.TryWriteMinutes([Row(1, Day.AddHours(12), 30, peak: 7)]));
        await writer.FlushAsync();

        var minute = await ReadAsync(database, "ChannelMinutes", 1, Day.AddHours(12));
        var hour12 = await ReadAsync(database, "ChannelHours", 1, Day.AddHours(12));
        var hour13 = await ReadAsync(database, "ChannelHours", 1, Day.AddHours(13));
        var day = await ReadAsync(database, "ChannelDays", 1, Day);
        var nextDay = await ReadAsync(database, "ChannelDays", 1, Day.AddDays(1));
        var otherChannel = await ReadAsync(database, "ChannelHours", 2, Day.AddHours(12));

        Assert.Equal((130d, 13d, 2.6, 7d), minute);
        Assert.Equal((330d, 33d, 6.6, 9d), hour12);
        Assert.Equal((50d, 5d, 1d, 3d), hour13);
        Assert.Equal((380d, 38d, 7.6, 9d), day);
        Assert.Equal((10d, 1d, 0.2, 1d), nextDay);
        Assert.Equal((7d, 0.7, 0.14, 1d), otherChannel);
        Assert.Equal(5, await database.ScalarAsync("SELECT count(*) FROM ChannelMinutes"));
        var counters = writer.Counters;
        Assert.Equal((6, 6, 0, 0), (counters.MinuteRowsQueued, counters.MinuteRowsWritten, counters.MinuteRowsDropped, counters.MinuteRowsFailed));
    }

    [Fact]
    public async Task TryWrite_QueueFull_ItemsWaitInTheJournalAndAreWrittenToo()
    {
        using var database = await TestDatabase.CreateAsync(o => o.HistoryQueueCapacity = 2);
        using var writer = database.CreateWriter();
        var minutes = new[] { Row(1, Day, 1, 1), Row(2, Day, 2, 2), Row(3, Day.AddMinutes(1), 3, 3) };

        var accepted = new[]
        {
            writer.TryWriteMinutes(minutes),
            writer.TryWriteToplist(Sensor, 1, Period(Day, 3)),
            writer.TryWriteMinutes(minutes),
            writer.TryWriteToplist(Sensor, 1, Period(Day.AddMinutes(15), 3)),
        };
        var full = writer.Counters;
        await writer.FlushAsync();
        var flushed = writer.Counters;

        Assert.Equal([true, true, true, true], accepted);
        Assert.Equal((6, 0, 2, 0, 2, 2, 2L, 4), (full.MinuteRowsQueued, full.MinuteRowsDropped, full.ToplistPeriodsQueued, full.ToplistPeriodsDropped, full.QueueLength, full.QueueCapacity, full.ItemsDeferred, full.JournalFiles));
        Assert.Equal((6, 2, 0, 0), (flushed.MinuteRowsWritten, flushed.ToplistPeriodsWritten, flushed.QueueLength, flushed.JournalFiles));
        Assert.Equal(12, await database.ScalarAsync("SELECT CAST(sum(Bytes) AS INTEGER) FROM ChannelMinutes"));
        Assert.Equal(2, await database.ScalarAsync("SELECT count(*) FROM ToplistPeriods"));
    }

    [Fact]
    public async Task TryWrite_QueueFullAndJournalTurnedOff_DropsAreCountedByKindAndQueuedItemsStillWritten()
    {
        using var database = await TestDatabase.CreateAsync(o => (o.HistoryQueueCapacity, o.HistoryJournalMaxBytes) = (2, 0));
        using var writer = database.CreateWriter();
        var minutes = new[] { Row(1, Day, 1, 1), Row(2, Day, 2, 2), Row(3, Day, 3, 3) };

        var accepted = new[]
        {
            writer.TryWriteMinutes(minutes),
            writer.TryWriteToplist(Sensor, 1, Period(Day, 3)),
            writer.TryWriteMinutes(minutes),
            writer.TryWriteMinutes(minutes),
            writer.TryWriteToplist(Sensor, 1, Period(Day.AddMinutes(15), 3)),
        };
        var full = writer.Counters;
        await writer.FlushAsync();
        var flushed = writer.Counters;

        Assert.Equal([true, true, false, false, false], accepted);
        Assert.Equal((3, 6, 1, 1, 2, 2, 0L), (full.MinuteRowsQueued, full.MinuteRowsDropped, full.ToplistPeriodsQueued, full.ToplistPeriodsDropped, full.QueueLength, full.QueueCapacity, full.JournalFailures));
        Assert.Equal((3, 1, 0), (flushed.MinuteRowsWritten, flushed.ToplistPeriodsWritten, flushed.QueueLength));
        Assert.Equal(3, await database.ScalarAsync("SELECT count(*) FROM ChannelMinutes"));
        Assert.Equal(1, await database.ScalarAsync("SELECT count(*) FROM ToplistPeriods"));
    }

    [Fact]
    public async Task HostedLifecycle_WriteThenStop_EverythingWrittenAndLaterWritesCountedAsDropped()
    {
        using var database = await TestDatabase.CreateAsync(o => o.HistoryBatchRows = 7);
        using var writer = database.CreateWriter();
        await writer.StartAsync(CancellationToken.None);

        for (var m = 0; m < 100; m++)
        {
            Assert.True(writer.TryWriteMinutes([Row(1, Day.AddMinutes(m), m, m), Row(2, Day.AddMinutes(m), 1, 1)]));
        }

        await writer.StopAsync(CancellationToken.None);
        var afterStop = writer.TryWriteMinutes([Row(1, Day, 1, 1)]);

        Assert.False(afterStop);
        Assert.Equal(200, await database.ScalarAsync("SELECT count(*) FROM ChannelMinutes"));
        Assert.Equal(4950, await database.ScalarAsync("SELECT CAST(sum(Bytes) AS INTEGER) FROM ChannelDays WHERE ChannelId = 1"));
        Assert.Equal((200, 200, 1), (writer.Counters.MinuteRowsQueued, writer.Counters.MinuteRowsWritten, writer.Counters.MinuteRowsDropped));
    }

    [Fact]
    public async Task StopAsync_TwiceAtOnceThenDisposed_BothCallsWaitForTheQueueToBeWritten()
    {
        using var database = await TestDatabase.CreateAsync();
        var writer = database.CreateWriter();
        for (var m = 0; m < 50; m++)
        {
            Assert.True(writer.TryWriteMinutes([Row(1, Day.AddMinutes(m), 1, 1)]));
        }

        await Task.WhenAll(writer.StopAsync(CancellationToken.None), writer.StopAsync(CancellationToken.None));
        writer.Dispose();

        Assert.Equal(50, await database.ScalarAsync("SELECT count(*) FROM ChannelMinutes"));
    }

    [Fact]
    public async Task TryWriteToplist_Period_StoredWithEveryKeyPartAndTotals()
    {
        using var database = await TestDatabase.CreateAsync();
        using var writer = database.CreateWriter();
        var v6 = FlowAddress.Parse("ffff:db8::8000:1");
        var key = new ToplistKey(v6, FlowAddress.Parse("198.51.100.7"), 65535, 443, 6, uint.MaxValue, 64512);
        var period = new ToplistPeriodResult(Day, Day.AddMinutes(15),
            [new ToplistRow(key, 9_000_000_000, 6_000_000, 40, 12), new ToplistRow(new ToplistKey(FlowAddress.Parse("10.0.0.1")), 5, 1, 1, 0)],
            9_000_000_100, 6_000_010, 45, Approximate: true, ErrorBound: 12, DistinctKeys: 30);

        Assert.True(writer.TryWriteToplist(Sensor, 4, period));
        await writer.FlushAsync();
        var query = database.CreateQuery();
        var info = Assert.Single(await query.GetToplistPeriodsAsync(Sensor, 4, Day, Day.AddDays(1)));
        var stored = await query.GetToplistPeriodAsync(info.Id);

        Assert.NotNull(stored);
        Assert.Equal((Day, Day.AddMinutes(15), 9_000_000_100L, 6_000_010L, 45L, true, 12L), (stored.Start, stored.End, stored.TotalBytes, stored.TotalPackets, stored.TotalFlows, stored.Approximate, stored.ErrorBound));
        Assert.Equal((30, 2, true), (info.DistinctKeys, info.EntryCount, info.Truncated));
        Assert.Equal(2, stored.Rows.Count);
        Assert.Equal(key, stored.Rows[0].Key);
        Assert.Equal((9_000_000_000L, 6_000_000L, 40L, 12L, (string?)null), (stored.Rows[0].Bytes, stored.Rows[0].Packets, stored.Rows[0].Flows, stored.Rows[0].ErrorBytes, stored.Rows[0].HostName));
        Assert.Equal(FlowAddress.Parse("10.0.0.1"), stored.Rows[1].Key.A);
    }

    internal static ChannelMinute Row(int channel, DateTimeOffset minute, double bytes, double peak, Guid? sensor = null) =>
        new(sensor ?? Sensor, channel, minute, bytes, bytes / 10, bytes / 50, peak);

    internal static ToplistPeriodResult Period(DateTimeOffset start, int rows, int minutes = 15, long bytesScale = 100) =>
        new(start, start.AddMinutes(minutes),
            [.. Enumerable.Range(0, rows).Select(i => new ToplistRow(new ToplistKey(FlowAddress.FromIPv4(0x0A000001u + (uint)i)), (rows - i) * bytesScale, rows - i, 1, 0))],
            rows * bytesScale * rows, rows * rows, rows, false, 0, rows);

    private static async Task<(double Bytes, double Packets, double Flows, double Peak)> ReadAsync(TestDatabase database, string table, int channel, DateTimeOffset bucket)
    {
        await using var connection = await database.Connections.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT Bytes, Packets, Flows, PeakBytesPerSecond FROM {table} WHERE ChannelId = $c AND BucketStart = $b";
        command.Parameters.AddWithValue("$c", channel);
        command.Parameters.AddWithValue("$b", bucket.ToUnixTimeSeconds());
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no {table} row for channel {channel} at {bucket:u}");
        return (reader.GetDouble(0), Math.Round(reader.GetDouble(1), 6), Math.Round(reader.GetDouble(2), 6), reader.GetDouble(3));
    }
}
