using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Storage.History;

/// <summary>Rows removed by one retention pass, per table, and the number of DELETE statements it took (the searches for batch boundaries are not counted).</summary>
public sealed record RetentionResult(long MinuteRows, long HourRows, long DayRows, long ToplistPeriods, long ToplistEntries, long ToplistPeriodsOverCap, int Statements)
{
    /// <summary>sFlow interface counter minutes removed (kept as long as channel minutes).</summary>
    public long SFlowCounterRows { get; init; }

    public long TotalRows => MinuteRows + HourRows + DayRows + ToplistPeriods + ToplistEntries + SFlowCounterRows;
}

/// <summary>
/// Deletes history older than its retention (a bucket or period whose start is before now − retention) and the
/// oldest toplist periods beyond <see cref="StorageOptions.ToplistMaxBytes"/>. Deletes go in small batches, each its
/// own short transaction with a pause between, so the history writer and readers are never held up long: channel
/// rows sensor by sensor along the primary key and sFlow counter minutes by time (one helper, <see cref="DeleteBeforeAsync"/>),
/// toplist periods together with their entries.
/// </summary>
public sealed partial class RetentionService(
    SqliteConnectionFactory connections,
    IOptions<StorageOptions> options,
    TimeProvider time,
    ILogger<RetentionService> logger) : BackgroundService
{
    /// <summary>
    /// Estimated bytes of one stored toplist entry including its share of B-tree pages (two addresses, ports,
    /// counters, no host name: ~45 bytes of record + page overhead), used for the size cap.
    /// </summary>
    public const int EstimatedToplistEntryBytes = 64;

    /// <summary>Estimated bytes of one toplist period row with its two index entries.</summary>
    public const int EstimatedToplistPeriodBytes = 96;

    // Read at use, not construction: start-up validation then reports every section's errors together.
    private StorageOptions Settings => options.Value;

    /// <summary>One full pass over every table.</summary>
    public async Task<RetentionResult> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var statements = 0;
            var sensors = SensorKeys(connection);
            var minutes = await DeleteChannelRowsAsync(connection, sensors, FlowWebDbContext.ChannelMinutesTable, now - Seconds(Settings.MinuteRetention), cancellationToken).ConfigureAwait(false);
            var hours = await DeleteChannelRowsAsync(connection, sensors, FlowWebDbContext.ChannelHoursTable, now - Seconds(Settings.HourRetention), cancellationToken).ConfigureAwait(false);
            var days = await DeleteChannelRowsAsync(connection, sensors, FlowWebDbContext.ChannelDaysTable, now - Seconds(Settings.DayRetention), cancellationToken).ConfigureAwait(false);
            statements += minutes.Statements + hours.Statements + days.Statements;

            var expired = await DeleteToplistsAsync(connection, "PeriodStart < $cutoff", now - Seconds(Settings.ToplistRetention), long.MaxValue, cancellationToken).ConfigureAwait(false);
            statements += expired.Statements;

            var excess = ToplistEstimatedBytes(connection) - Settings.ToplistMaxBytes;
            var capped = excess > 0
                ? await DeleteToplistsAsync(connection, "1 = 1", 0, excess, cancellationToken).ConfigureAwait(false)
                : default;
            statements += capped.Statements;

            var counters = await DeleteBeforeAsync(connection, FlowWebDbContext.SFlowCounterMinutesTable, "MinuteStart", null, now - Seconds(Settings.MinuteRetention), cancellationToken)
                .ConfigureAwait(false);
            statements += counters.Statements;

            var result = new RetentionResult(minutes.Rows, hours.Rows, days.Rows, expired.Periods + capped.Periods, expired.Rows + capped.Rows, capped.Periods, statements)
            {
                SFlowCounterRows = counters.Rows,
            };
            if (result.TotalRows > 0)
            {
                LogDeleted(logger, result.MinuteRows, result.HourRows, result.DayRows, result.ToplistPeriods, result.ToplistPeriodsOverCap, result.SFlowCounterRows);
            }

            return result;
        }
    }

    /// <summary>SUM(EntryCount) and COUNT(*) of the period table (100× smaller than the entries), times the per-row estimates.</summary>
    internal static long ToplistEstimatedBytes(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(sum(EntryCount), 0), count(*) FROM ToplistPeriods";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0) * EstimatedToplistEntryBytes) + (reader.GetInt64(1) * EstimatedToplistPeriodBytes);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Settings.RetentionInterval, time);
        try
        {
            do
            {
                try
                {
                    await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Each sensor's rows of a channel table before the cutoff (<see cref="DeleteBeforeAsync"/>), sensor by sensor along the primary key.</summary>
    private async Task<(long Rows, int Statements)> DeleteChannelRowsAsync(SqliteConnection connection, IReadOnlyList<long> sensors, string table, long cutoff, CancellationToken cancellationToken)
    {
        long rows = 0;
        var statements = 0;
        foreach (var sensor in sensors)
        {
            var (deleted, count) = await DeleteBeforeAsync(connection, table, "BucketStart", ("SensorKey", sensor), cutoff, cancellationToken).ConfigureAwait(false);
            rows += deleted;
            statements += count;
        }

        return (rows, statements);
    }

    /// <summary>
    /// Rows of <paramref name="table"/> whose <paramref name="timeColumn"/> is before the cutoff (those with the key's
    /// value only, when a key is given), oldest first, in batches: find the time at which the batch size is reached,
    /// delete everything before it, pause, repeat. Each DELETE is its own transaction and touches about one batch of
    /// rows; a batch that ends inside the oldest time takes all of that time's rows (one per channel or interface), so
    /// every round makes progress. Returns the rows removed and the DELETE statements run.
    /// </summary>
    private async Task<(long Rows, int Statements)> DeleteBeforeAsync(SqliteConnection connection, string table, string timeColumn, (string Column, long Value)? key,
        long cutoff, CancellationToken cancellationToken)
    {
        var keyFilter = key is { } k ? $"{k.Column} = $key AND " : "";
        using var boundary = connection.CreateCommand();
        boundary.CommandText = $"SELECT {timeColumn} FROM {table} WHERE {keyFilter}{timeColumn} < $cutoff ORDER BY {timeColumn} LIMIT 1 OFFSET $offset";
        boundary.Parameters.AddWithValue("$cutoff", cutoff);
        boundary.Parameters.AddWithValue("$offset", Settings.RetentionBatchRows - 1);

        using var first = connection.CreateCommand();
        first.CommandText = $"SELECT min({timeColumn}) FROM {table}" + (key is { } c ? $" WHERE {c.Column} = $key" : "");

        using var delete = connection.CreateCommand();
        delete.CommandText = $"DELETE FROM {table} WHERE {keyFilter}{timeColumn} < $before";
        var before = delete.Parameters.Add("$before", SqliteType.Integer);
        if (key is { } keyed)
        {
            boundary.Parameters.AddWithValue("$key", keyed.Value);
            first.Parameters.AddWithValue("$key", keyed.Value);
            delete.Parameters.AddWithValue("$key", keyed.Value);
        }

        long rows = 0;
        var statements = 0;
        while (true)
        {
            var found = boundary.ExecuteScalar();
            if (found is long at)
            {
                before.Value = at == (long)first.ExecuteScalar()! ? at + 1 : at;
            }
            else
            {
                // Fewer than a batch left before the cutoff: delete them all.
                before.Value = cutoff;
            }

            rows += delete.ExecuteNonQuery();
            statements++;
            if (found is not long)
            {
                return (rows, statements);
            }

            await PauseAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Deletes the oldest periods matching <paramref name="condition"/> (by start), with their entries, a batch of
    /// about <see cref="StorageOptions.RetentionBatchRows"/> entries per transaction, until none match or the estimated
    /// bytes removed reach <paramref name="bytesToRemove"/>.
    /// </summary>
    private async Task<(long Periods, long Rows, int Statements)> DeleteToplistsAsync(SqliteConnection connection, string condition, long cutoff, long bytesToRemove, CancellationToken cancellationToken)
    {
        using var select = connection.CreateCommand();
        select.CommandText = $"SELECT Id, EntryCount FROM ToplistPeriods WHERE {condition} ORDER BY PeriodStart, Id LIMIT $limit";
        select.Parameters.AddWithValue("$cutoff", cutoff);
        select.Parameters.AddWithValue("$limit", Settings.RetentionBatchRows);

        long periods = 0, rows = 0, removedBytes = 0;
        var statements = 0;
        var ids = new List<long>();
        while (removedBytes < bytesToRemove)
        {
            ids.Clear();
            long entries = 0;
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read() && (ids.Count == 0 || entries + reader.GetInt64(1) <= Settings.RetentionBatchRows) && removedBytes < bytesToRemove)
                {
                    ids.Add(reader.GetInt64(0));
                    entries += reader.GetInt64(1);
                    removedBytes += (reader.GetInt64(1) * EstimatedToplistEntryBytes) + EstimatedToplistPeriodBytes;
                }
            }

            if (ids.Count == 0)
            {
                break;
            }

            // Ids are integers read back from the table, so inlining them is safe; one transaction keeps no entry without its period.
            var list = string.Join(',', ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));
            using (var transaction = connection.BeginTransaction())
            using (var delete = connection.CreateCommand())
            {
                delete.Transaction = transaction;
                delete.CommandText = $"DELETE FROM ToplistEntries WHERE PeriodId IN ({list})";
                rows += delete.ExecuteNonQuery();
                delete.CommandText = $"DELETE FROM ToplistPeriods WHERE Id IN ({list})";
                periods += delete.ExecuteNonQuery();
                transaction.Commit();
            }

            statements += 2;
            await PauseAsync(cancellationToken).ConfigureAwait(false);
        }

        return (periods, rows, statements);
    }

    private static List<long> SensorKeys(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id FROM HistorySensors ORDER BY Id";
        using var reader = command.ExecuteReader();
        var keys = new List<long>();
        while (reader.Read())
        {
            keys.Add(reader.GetInt64(0));
        }

        return keys;
    }

    private Task PauseAsync(CancellationToken cancellationToken) =>
        Settings.RetentionBatchPause > TimeSpan.Zero
            ? Task.Delay(Settings.RetentionBatchPause, time, cancellationToken)
            : Task.CompletedTask;

    private static long Seconds(TimeSpan span) => (long)span.TotalSeconds;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Retention removed {MinuteRows} minute, {HourRows} hour and {DayRows} day row(s), {ToplistPeriods} toplist period(s) ({OverCap} of them over the size cap) and {SFlowCounterRows} sFlow counter minute row(s)")]
    private static partial void LogDeleted(ILogger logger, long minuteRows, long hourRows, long dayRows, long toplistPeriods, long overCap, long sFlowCounterRows);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Retention pass failed; it is tried again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
