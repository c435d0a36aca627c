using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Storage;
using FlowWeb.Core.Storage.History;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Storage;

public sealed class RetentionServiceTests
{
    private static readonly Guid SensorA = Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001");
    private static readonly Guid SensorB = Guid.Parse("bbbbbbbb-0000-0000-0000-000000000002");

    [Fact]
    public async Task RunOnce_SFlowCounterMinutes_OlderThanMinuteRetentionRemovedInBatches()
    {
        using var database = await TestDatabase.CreateAsync(o =>
        {
            o.MinuteRetention = TimeSpan.FromHours(2);
            o.RetentionBatchRows = 7;
        });
        var store = new SFlowCounterStore(database.Connections);
        var now = TestDatabase.Now.ToUnixTimeSeconds() / 60 * 60;
        var delta = new SFlowCounterStore.MinuteDelta(new(1_000, 2_000, 0, 0, 0, 0, 30_000, 1, 0), 1_000_000_000);

        // Three hours of minutes for two interfaces: the oldest hour (120 rows) is past the two hours kept.
        await store.AddAsync([.. Enumerable.Range(0, 360).Select(r =>
            (new SFlowCounterStore.MinuteKey("192.0.2.1", 0, 1 + ((uint)r % 2), now - (r / 2 * 60)), delta))]);
        var retention = new RetentionService(database.Connections, database.Wrapped, new FakeTimeProvider(TestDatabase.Now), NullLogger<RetentionService>.Instance);

        var result = await retention.RunOnceAsync();

        var cutoff = TestDatabase.Now.ToUnixTimeSeconds() - 7_200;
        var expired = Enumerable.Range(0, 180).Count(m => now - (m * 60) < cutoff) * 2;
        Assert.Equal(expired, result.SFlowCounterRows);
        Assert.True(expired >= 118, $"{expired} rows expired");

        // Batches: no DELETE removes more than 7 rows (a minute holds 2, so a batch never has to take a whole minute
        // beyond it), and each full batch removes whole minutes, at least 6 rows. A single unbatched DELETE would be 1
        // statement; counting the boundary searches too would double the count.
        Assert.InRange(result.Statements, (expired + 6) / 7, (expired / 6) + 1);
        var left = (await store.QueryAsync("192.0.2.1", null, null, DateTimeOffset.FromUnixTimeSeconds(now - 86_400), TestDatabase.Now.AddMinutes(1), 60)).Buckets;
        Assert.Equal(360 - expired, left.Count);
        Assert.All(left, b => Assert.True(b.Start.ToUnixTimeSeconds() >= cutoff));
    }

    [Fact]
    public async Task RunOnce_FakeClock_RemovesExactlyTheExpiredRowsInBatches()
    {
        using var database = await TestDatabase.CreateAsync(o =>
        {
            o.MinuteRetention = TimeSpan.FromDays(3);
            o.HourRetention = TimeSpan.FromDays(5);
            o.DayRetention = TimeSpan.FromDays(6);
            o.RetentionBatchRows = 50;
        });
        var time = new FakeTimeProvider(TestDatabase.Now);
        await FillChannelsAsync(database, days: 8);
        var retention = new RetentionService(database.Connections, database.Wrapped, time, NullLogger<RetentionService>.Instance);
        var now = TestDatabase.Now.ToUnixTimeSeconds();
        var expected = (
            Minutes: await CountAsync(database, "ChannelMinutes", now - (3 * 86_400)),
            Hours: await CountAsync(database, "ChannelHours", now - (5 * 86_400)),
            Days: await CountAsync(database, "ChannelDays", now - (6 * 86_400)));
        var totals = (Minutes: await database.ScalarAsync("SELECT count(*) FROM ChannelMinutes"), Hours: await database.ScalarAsync("SELECT count(*) FROM ChannelHours"));

        var result = await retention.RunOnceAsync();

        Assert.True(expected.Minutes > 1000 && expected.Hours > 50 && expected.Days > 0);
        Assert.Equal(expected, (result.MinuteRows, result.HourRows, result.DayRows));
        Assert.Equal(totals.Minutes - expected.Minutes, await database.ScalarAsync("SELECT count(*) FROM ChannelMinutes"));
        Assert.Equal(totals.Hours - expected.Hours, await database.ScalarAsync("SELECT count(*) FROM ChannelHours"));
        Assert.Equal(0, await CountAsync(database, "ChannelMinutes", now - (3 * 86_400)));
        Assert.Equal(now - (3 * 86_400), await database.ScalarAsync("SELECT min(BucketStart) FROM ChannelMinutes"));

        // Batches of at most 50 rows (plus the rest of one bucket's channels): many statements, not one.
        Assert.True(result.Statements >= (expected.Minutes + expected.Hours) / 53, $"{result.Statements} statements");

        time.Advance(TimeSpan.FromHours(1));
        var next = await retention.RunOnceAsync();

        Assert.Equal(60 * 3 * 2, next.MinuteRows);
        Assert.Equal(3 * 2, next.HourRows);
    }

    [Fact]
    public async Task RunOnce_ExpiredToplistPeriods_RemovedWithTheirEntriesOnly()
    {
        using var database = await TestDatabase.CreateAsync(o =>
        {
            o.ToplistRetention = TimeSpan.FromDays(2);
            o.RetentionBatchRows = 25;
        });
        using (var writer = database.CreateWriter())
        {
            for (var start = TestDatabase.Now.AddDays(-4); start < TestDatabase.Now; start = start.AddHours(1))
            {
                Assert.True(writer.TryWriteToplist(SensorA, 1, HistoryWriterTests.Period(start, 10, minutes: 60)));
            }

            await writer.FlushAsync();
        }

        var retention = new RetentionService(database.Connections, database.Wrapped, new FakeTimeProvider(TestDatabase.Now), NullLogger<RetentionService>.Instance);
        var result = await retention.RunOnceAsync();

        Assert.Equal((48L, 480L, 0L), (result.ToplistPeriods, result.ToplistEntries, result.ToplistPeriodsOverCap));
        Assert.Equal(48, await database.ScalarAsync("SELECT count(*) FROM ToplistPeriods"));
        Assert.Equal(TestDatabase.Now.AddDays(-2).ToUnixTimeSeconds(), await database.ScalarAsync("SELECT min(PeriodStart) FROM ToplistPeriods"));
        Assert.Equal(0, await database.ScalarAsync("SELECT count(*) FROM ToplistEntries WHERE PeriodId NOT IN (SELECT Id FROM ToplistPeriods)"));
        Assert.Equal(480, await database.ScalarAsync("SELECT count(*) FROM ToplistEntries"));
    }

    [Fact]
    public async Task RunOnce_ToplistsOverSizeCap_OldestPeriodsRemovedUntilUnderCap()
    {
        using var database = await TestDatabase.CreateAsync(o => o.ToplistMaxBytes = 1024 * 1024);
        using (var writer = database.CreateWriter())
        {
            for (var i = 0; i < 200; i++)
            {
                Assert.True(writer.TryWriteToplist(SensorB, 2, HistoryWriterTests.Period(TestDatabase.Now.AddMinutes(-15 * (200 - i)), 100)));
            }

            await writer.FlushAsync();
        }

        var retention = new RetentionService(database.Connections, database.Wrapped, new FakeTimeProvider(TestDatabase.Now), NullLogger<RetentionService>.Instance);
        var result = await retention.RunOnceAsync();

        await using var connection = await database.Connections.OpenAsync();
        var estimate = RetentionService.ToplistEstimatedBytes(connection);
        var excess = (200 * ((100 * RetentionService.EstimatedToplistEntryBytes) + RetentionService.EstimatedToplistPeriodBytes)) - (1024 * 1024);
        var perPeriod = (100 * RetentionService.EstimatedToplistEntryBytes) + RetentionService.EstimatedToplistPeriodBytes;
        Assert.True(estimate <= 1024 * 1024, $"{estimate} bytes estimated");
        Assert.Equal((excess + perPeriod - 1) / perPeriod, result.ToplistPeriodsOverCap);
        var oldestKept = await database.ScalarAsync("SELECT min(PeriodStart) FROM ToplistPeriods");
        Assert.Equal(TestDatabase.Now.AddMinutes(-15 * (200 - result.ToplistPeriodsOverCap)).ToUnixTimeSeconds(), oldestKept);
    }

    /// <summary>Two sensors, three channels, one row per minute for <paramref name="days"/> days up to the fake "now".</summary>
    private static async Task FillChannelsAsync(TestDatabase database, int days)
    {
        using var writer = database.CreateWriter();
        var start = TestDatabase.Now.AddDays(-days);
        var rows = new List<ChannelMinute>();
        for (var minute = start; minute < TestDatabase.Now; minute = minute.AddMinutes(1))
        {
            foreach (var sensor in new[] { SensorA, SensorB })
            {
                for (var channel = -1; channel <= 1; channel++)
                {
                    rows.Add(new ChannelMinute(sensor, channel, minute, 1000, 10, 1, 50));
                }
            }

            if (rows.Count >= 6000)
            {
                Assert.True(writer.TryWriteMinutes(rows));
                rows.Clear();
                await writer.FlushAsync();
            }
        }

        Assert.True(writer.TryWriteMinutes(rows));
        await writer.FlushAsync();
    }

    private static Task<long> CountAsync(TestDatabase database, string table, long before) =>
        database.ScalarAsync(FormattableString.Invariant($"SELECT count(*) FROM {table} WHERE BucketStart < {before}"));
}
