using FlowWeb.Core.Storage.History;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using static FlowWeb.Tests.Storage.HistoryWriterTests;

namespace FlowWeb.Tests.Storage;

/// <summary>
/// Nothing closed is lost: items a writer never got to the database (a hard kill) are written by the next one, once;
/// a database that refuses writes (locked by another process) is retried with back-off, reported, and catches up.
/// </summary>
public sealed class HistoryDurabilityTests
{
    private static readonly Guid Sensor = Guid.Parse("11111111-2222-3333-4444-555555555555");
    private static readonly DateTimeOffset Day = new(2025, 3, 9, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Start_JournalLeftByAWriterThatNeverWrote_WritesEverythingOnceAndEmptiesTheJournal()
    {
        using var database = await TestDatabase.CreateAsync();

        // As a hard kill leaves it: items accepted (journaled, queued in memory) and never written.
        var killed = database.CreateWriter();
        Assert.True(killed.TryWriteMinutes([Row(1, Day, 100, 5), Row(-1, Day, 100, 5)]));
        Assert.True(killed.TryWriteToplist(Sensor, 2, Period(Day, 5)));
        Assert.Equal(2, killed.Counters.JournalFiles);
        Assert.Equal(0, await database.ScalarAsync("SELECT count(*) FROM ChannelMinutes"));

        using var next = database.CreateWriter();
        await next.StartAsync(CancellationToken.None);
        await next.FlushAsync();
        await next.StopAsync(CancellationToken.None);

        Assert.Equal(2, await database.ScalarAsync("SELECT count(*) FROM ChannelMinutes"));
        Assert.Equal(1, await database.ScalarAsync("SELECT count(*) FROM ToplistPeriods"));
        Assert.Equal(5, await database.ScalarAsync("SELECT count(*) FROM ToplistEntries"));
        Assert.Equal((2L, 0), (next.Counters.ItemsRecovered, next.Counters.JournalFiles));
    }

    [Fact]
    public async Task Start_FileLeftAfterItsItemWasCommitted_NotWrittenTwice()
    {
        using var database = await TestDatabase.CreateAsync();
        var journal = Path.Combine(database.Options.FullDataDirectory, HistoryJournal.FolderName);
        using (var first = database.CreateWriter())
        {
            Assert.True(first.TryWriteMinutes([Row(1, Day, 100, 5)]));
            var file = Assert.Single(Directory.GetFiles(journal));
            var bytes = await File.ReadAllBytesAsync(file);
            await first.FlushAsync();

            // The process died after the commit, before the file was deleted.
            Assert.Empty(Directory.GetFiles(journal));
            await File.WriteAllBytesAsync(file, bytes);
        }

        using var next = database.CreateWriter();
        await next.StartAsync(CancellationToken.None);
        await next.FlushAsync();
        await next.StopAsync(CancellationToken.None);

        Assert.Equal(100, await database.ScalarAsync("SELECT CAST(sum(Bytes) AS INTEGER) FROM ChannelMinutes"));
        Assert.Equal(100, await database.ScalarAsync("SELECT CAST(sum(Bytes) AS INTEGER) FROM ChannelDays"));
        Assert.Empty(Directory.GetFiles(journal));
    }

    [Fact]
    public async Task Write_DatabaseLockedByAnotherProcess_RetriedWithBackoffReportedAndWrittenOnceFree()
    {
        using var database = await TestDatabase.CreateAsync(o => (o.BusyTimeout, o.HistoryRetryMaxDelay) = (TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)));
        var status = new HistoryStatus();
        using var writer = new HistoryWriter(database.Connections, database.Wrapped, status, TimeProvider.System, NullLogger<HistoryWriter>.Instance);
        var conditions = new List<HistoryCondition>();
        status.Changed += c =>
        {
            lock (conditions)
            {
                conditions.Add(c);
            }
        };

        await using (var locker = new SqliteConnection($"Data Source={database.FilePath};Pooling=False"))
        {
            await locker.OpenAsync();
            await using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                await begin.ExecuteNonQueryAsync();
            }

            await writer.StartAsync(CancellationToken.None);
            Assert.True(writer.TryWriteMinutes([Row(1, Day, 100, 5)]));
            Assert.True(writer.TryWriteToplist(Sensor, 2, Period(Day, 5)));

            var failing = await WaitForAsync(() => status.Current.Attempts >= 2 ? status.Current : null);
            Assert.False(failing.Healthy);
            Assert.StartsWith("the database is locked by another process", failing.Problem, StringComparison.Ordinal);
            Assert.Contains("item(s) wait in memory and in the journal", failing.Describe(), StringComparison.Ordinal);
            Assert.True(writer.Counters.WriteFailures[HistoryWriteFailure.Locked] >= 2);
            Assert.Equal(2, writer.Counters.JournalFiles);
        }

        await WaitForAsync(() => status.Current.Healthy && writer.Counters.ToplistPeriodsWritten == 1 ? status.Current : null);
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(100, await database.ScalarAsync("SELECT CAST(sum(Bytes) AS INTEGER) FROM ChannelMinutes"));
        Assert.Equal(1, await database.ScalarAsync("SELECT count(*) FROM ToplistPeriods"));
        Assert.Equal((0L, 0L, 0), (writer.Counters.MinuteRowsFailed, writer.Counters.ToplistPeriodsFailed, writer.Counters.JournalFiles));
        lock (conditions)
        {
            Assert.True(conditions[^1].Healthy);
            Assert.Contains(conditions, c => !c.Healthy && c.NextAttempt > c.Since);
        }
    }

    /// <summary>
    /// A stop while another process holds the database: journaled items stay for the next start, which writes them;
    /// items the journal could not take (it is full) are counted as failed, never silently gone.
    /// </summary>
    [Fact]
    public async Task Stop_DatabaseLocked_JournaledItemsKeptForNextStartTheOthersCountedAsFailed()
    {
        using var database = await TestDatabase.CreateAsync(o => (o.BusyTimeout, o.HistoryBatchRows, o.HistoryJournalMaxBytes) = (TimeSpan.FromMilliseconds(100), 1, 200));
        var journal = Path.Combine(database.Options.FullDataDirectory, HistoryJournal.FolderName);
        var stopped = database.CreateWriter();
        await using (var locker = new SqliteConnection($"Data Source={database.FilePath};Pooling=False"))
        {
            await locker.OpenAsync();
            await using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                await begin.ExecuteNonQueryAsync();
            }

            // The first (90 bytes) fits the 200-byte journal, the second and third do not.
            Assert.True(stopped.TryWriteMinutes([Row(1, Day, 100, 5)]));
            Assert.True(stopped.TryWriteMinutes([Row(1, Day.AddMinutes(1), 20, 1), Row(2, Day.AddMinutes(1), 30, 1), Row(3, Day.AddMinutes(1), 40, 1)]));
            Assert.True(stopped.TryWriteToplist(Sensor, 2, Period(Day, 5)));
            Assert.Equal((1, 2L), (stopped.Counters.JournalFiles, stopped.Counters.JournalFailures));

            await stopped.StopAsync(CancellationToken.None);
        }

        Assert.Equal((0L, 3L, 1L), (stopped.Counters.MinuteRowsWritten, stopped.Counters.MinuteRowsFailed, stopped.Counters.ToplistPeriodsFailed));
        Assert.Single(Directory.GetFiles(journal));

        using var next = database.CreateWriter();
        await next.StartAsync(CancellationToken.None);
        await next.FlushAsync();
        await next.StopAsync(CancellationToken.None);
        Assert.Equal(100, await database.ScalarAsync("SELECT CAST(sum(Bytes) AS INTEGER) FROM ChannelMinutes"));
        Assert.Empty(Directory.GetFiles(journal));
    }

    private static async Task<HistoryCondition> WaitForAsync(Func<HistoryCondition?> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (condition() is { } met)
            {
                return met;
            }

            Assert.True(DateTime.UtcNow < deadline, "the writer never reached the expected condition");
            await Task.Delay(50);
        }
    }
}
