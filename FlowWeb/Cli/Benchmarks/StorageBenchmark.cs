using System.Diagnostics;
using System.Globalization;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Storage.History;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

using FlowWeb.Core.Storage;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>One range read of the storage benchmark.</summary>
public sealed record StorageBenchmarkQuery(string Range, HistoryResolution Resolution, int Buckets, TimeSpan First, TimeSpan Median);

/// <summary>
/// What the storage benchmark measured: the database, the fill, one sensor's and one device's range reads, and the
/// history writer (minute rows new and late, toplist periods) against what <see cref="StorageWriterNeed"/> says a
/// hundred sensors need.
/// </summary>
public sealed record StorageBenchmarkResult(
    long DatabaseBytes,
    long MinuteRows,
    long HourRows,
    long DayRows,
    TimeSpan FillTime,
    double FillRowsPerSecond,
    IReadOnlyList<StorageBenchmarkQuery> Queries,
    IReadOnlyList<StorageBenchmarkQuery> DeviceQueries,
    double WriterRowsPerSecond,
    double WriterLateRowsPerSecond,
    StorageToplistThroughput Toplists,
    StorageWriterNeed Need);

/// <summary>
/// Fills a throwaway database (<c>storage-bench.db</c> in the given folder) with a year of hourly and two weeks
/// of minute history for many sensors through the bulk write path, then reports its size, how long
/// <see cref="HistoryQueryService"/> takes to load one sensor's 2 h, 2 d, 30 d and 365 d (automatic resolution,
/// summary statistics included), and the <see cref="HistoryWriter"/>'s throughput for new minutes and late additions.
/// </summary>
public static partial class StorageBenchmark
{
    public const string FileName = "storage-bench.db";

    private const int QueryRepeats = 5;

    /// <summary>Sensors summed for the device reads (fewer when the benchmark has fewer).</summary>
    public const int DeviceSensors = 5;

    private static readonly (string Name, TimeSpan Span)[] Ranges =
        [("2 h", TimeSpan.FromHours(2)), ("2 d", TimeSpan.FromDays(2)), ("30 d", TimeSpan.FromDays(30)), ("365 d", TimeSpan.FromDays(365))];

    public static async Task<StorageBenchmarkResult> RunAsync(TextWriter output, string dataDirectory, int sensors = 50, int channels = 12,
        int hourDays = 365, int minuteDays = 14, bool keepDatabase = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(sensors, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minuteDays, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hourDays, minuteDays);

        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(Path.GetFullPath(dataDirectory), FileName);
        DeleteDatabase(path);
        var options = Options.Create(new StorageOptions { DataDirectory = dataDirectory, ConnectionString = $"Data Source={path}" });
        var builder = new DbContextOptionsBuilder<FlowWebDbContext>();
        FlowWebDbContext.Configure(builder, options.Value.ResolveConnectionString(), options.Value.BusyTimeout);
        var contexts = new PooledDbContextFactory<FlowWebDbContext>(builder.Options);
        var connections = new SqliteConnectionFactory(options);
        try
        {
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
            {
                await DatabaseMigrator.MigrateAsync(db, cancellationToken).ConfigureAwait(false);
            }

            var now = DateTimeOffset.FromUnixTimeSeconds(HistoryBuckets.AlignDown(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), HistoryBuckets.MinuteSeconds));
            var ids = Enumerable.Range(0, sensors).Select(i => new Guid(i + 1, 0, 0, new byte[8])).ToArray();
            var channelIds = Enumerable.Range(-1, channels).ToArray();
            WriteLine(output, $"storage benchmark: {sensors} sensors x {channels} channels, {hourDays} d hourly + {minuteDays} d minutely history, SQLite {SqliteVersion(connections)}, .NET {Environment.Version}, {Environment.ProcessorCount} cores");
            WriteLine(output, $"database: {path}");

            var (fillTime, fill) = await FillAsync(output, connections, ids, channelIds, now, hourDays, minuteDays, cancellationToken).ConfigureAwait(false);
            var (bytes, minuteRows, hourRows, dayRows) = Measure(connections, path);
            WriteLine(output, $"database size: {bytes / 1048576.0:F1} MiB for {minuteRows:N0} minute, {hourRows:N0} hour and {dayRows:N0} day rows ({(double)bytes / (minuteRows + hourRows + dayRows):F1} bytes/row)");

            var query = new HistoryQueryService(contexts, options, new FixedTime(now));
            var queries = new List<StorageBenchmarkQuery>();

            // The process's first query builds EF's query cache; a page pays this once after start-up, not per range.
            var warmUp = Stopwatch.StartNew();
            await query.GetChannelHistoryAsync(ids[0], now.AddMinutes(-10), now, HistoryResolution.Auto, null, cancellationToken).ConfigureAwait(false);
            WriteLine(output, $"first query in the process (EF query compilation, another sensor, 10 min): {warmUp.Elapsed.TotalMilliseconds:F1} ms");
            WriteLine(output, $"one sensor, all channels, automatic resolution, summaries included ({QueryRepeats} runs each), as the history page loads it:");
            foreach (var (name, span) in Ranges)
            {
                var result = await TimeQueryAsync(query, [ids[sensors / 2]], now - span, now, name, cancellationToken).ConfigureAwait(false);
                queries.Add(result);
                WriteQuery(output, result);
            }

            var device = ids.Take(DeviceSensors).ToArray();
            var deviceQueries = new List<StorageBenchmarkQuery>();
            WriteLine(output, $"a device of {device.Length} sensors, summed per channel and bucket:");
            foreach (var (name, span) in Ranges)
            {
                var result = await TimeQueryAsync(query, device, now - span, now, name, cancellationToken).ConfigureAwait(false);
                deviceQueries.Add(result);
                WriteQuery(output, result);
            }

            var (fresh, late) = await WriterThroughputAsync(connections, options, ids, channelIds, now, cancellationToken).ConfigureAwait(false);
            WriteLine(output, $"history writer (TryWriteMinutes + FlushAsync, one transaction per {options.Value.HistoryBatchRows:N0} rows): {fresh:N0} rows/s new minutes, {late:N0} rows/s late additions");
            var toplists = await ToplistThroughputAsync(connections, options, ids, now, cancellationToken).ConfigureAwait(false);
            WriteLine(output, $"history writer, toplist periods ({toplists.Periods:N0} periods of {toplists.RowsPerPeriod} rows at once, as at a quarter hour): {toplists.PeriodsPerSecond:N0} periods/s = {toplists.RowsPerSecond:N0} rows/s, the burst written in {toplists.BurstTime.TotalMilliseconds:N0} ms");
            var need = StorageWriterNeed.For(100, 12, 6, 100, 15);
            WriteNeed(output, need, fresh, toplists, options.Value.HistoryQueueCapacity);
            return new StorageBenchmarkResult(bytes, minuteRows, hourRows, dayRows, fillTime, fill, queries, deviceQueries, fresh, late, toplists, need);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (!keepDatabase)
            {
                DeleteDatabase(path);
            }
        }
    }

    /// <summary>Hour rows for the older part of the year, then minute rows for the recent days (each also feeding its hour and day rollups).</summary>
    private static async Task<(TimeSpan Time, double RowsPerSecond)> FillAsync(TextWriter output, SqliteConnectionFactory connections, Guid[] ids, int[] channels,
        DateTimeOffset now, int hourDays, int minuteDays, CancellationToken cancellationToken)
    {
        var sensorKeys = new System.Collections.Concurrent.ConcurrentDictionary<Guid, long>();
        var random = new Random(7);
        var minuteStart = now.AddDays(-minuteDays);
        var hourStart = DateTimeOffset.FromUnixTimeSeconds(HistoryBuckets.AlignDown(now.AddDays(-hourDays).ToUnixTimeSeconds(), HistoryBuckets.HourSeconds));
        var hours = (long)(minuteStart - hourStart).TotalHours;
        var minutes = (long)(now - minuteStart).TotalMinutes;
        var total = (hours + minutes) * ids.Length * channels.Length;
        var rows = new List<ChannelMinute>(ids.Length * channels.Length * 60);
        var clock = Stopwatch.StartNew();
        long written = 0, reported = 0;

        async Task CommitAsync(bool hourly)
        {
            var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var writer = new HistoryBatchWriter(connection, sensorKeys);
                if (hourly)
                {
                    writer.AddHours(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
                }
                else
                {
                    writer.AddMinutes(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
                }

                writer.Commit();
            }

            written += rows.Count;
            rows.Clear();
            if (written - reported >= total / 10 || written == total)
            {
                reported = written;
                WriteLine(output, $"  filled {written:N0} of {total:N0} rows ({100.0 * written / total:F0} %), {written / clock.Elapsed.TotalSeconds:N0} rows/s");
            }
        }

        for (var h = 0L; h < hours; h++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            AddRows(rows, ids, channels, hourStart.AddHours(h), HistoryBuckets.HourSeconds, random);
            if (rows.Count >= ids.Length * channels.Length * 24)
            {
                await CommitAsync(hourly: true).ConfigureAwait(false);
            }
        }

        if (rows.Count > 0)
        {
            await CommitAsync(hourly: true).ConfigureAwait(false);
        }

        for (var m = 0L; m < minutes; m++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            AddRows(rows, ids, channels, minuteStart.AddMinutes(m), HistoryBuckets.MinuteSeconds, random);
            if (rows.Count >= ids.Length * channels.Length * 60)
            {
                await CommitAsync(hourly: false).ConfigureAwait(false);
            }
        }

        if (rows.Count > 0)
        {
            await CommitAsync(hourly: false).ConfigureAwait(false);
        }

        var rate = written / clock.Elapsed.TotalSeconds;
        WriteLine(output, $"fill: {written:N0} rows in {clock.Elapsed.TotalSeconds:F1} s = {rate:N0} rows/s (bulk path: prepared upserts, rollups included)");
        return (clock.Elapsed, rate);
    }

    /// <summary>Diurnal traffic with noise; fractional like sampled, interval-spread counters are.</summary>
    private static void AddRows(List<ChannelMinute> rows, Guid[] ids, int[] channels, DateTimeOffset at, int seconds, Random random)
    {
        var daily = 1.2 + Math.Sin(at.ToUnixTimeSeconds() * (2 * Math.PI / 86_400));
        for (var s = 0; s < ids.Length; s++)
        {
            for (var c = 0; c < channels.Length; c++)
            {
                var rate = 2e6 * daily * (1 + s % 5) / (1 + c) * (0.5 + random.NextDouble());
                var bytes = rate * seconds;
                rows.Add(new ChannelMinute(ids[s], channels[c], at, bytes, bytes / 900, bytes / 60_000, rate * (1 + random.NextDouble())));
            }
        }
    }

    private static async Task<StorageBenchmarkQuery> TimeQueryAsync(HistoryQueryService query, Guid[] sensors, DateTimeOffset from, DateTimeOffset to, string name, CancellationToken cancellationToken)
    {
        var times = new List<TimeSpan>();
        ChannelHistory? history = null;
        for (var i = 0; i < QueryRepeats; i++)
        {
            var clock = Stopwatch.StartNew();
            history = await query.GetChannelHistoryAsync(sensors, from, to, HistoryResolution.Auto, null, cancellationToken).ConfigureAwait(false);
            times.Add(clock.Elapsed);
        }

        var sorted = times.Order().ToList();
        return new StorageBenchmarkQuery(name, history!.Resolution, history.Channels.Sum(c => c.Buckets.Count), times[0], sorted[sorted.Count / 2]);
    }

    private static (long Bytes, long Minutes, long Hours, long Days) Measure(SqliteConnectionFactory connections, string path)
    {
        using var connection = connections.OpenAsync().GetAwaiter().GetResult();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        command.ExecuteNonQuery();
        long Count(string table)
        {
            command.CommandText = $"SELECT count(*) FROM {table}";
            return (long)command.ExecuteScalar()!;
        }

        return (new FileInfo(path).Length, Count(FlowWebDbContext.ChannelMinutesTable), Count(FlowWebDbContext.ChannelHoursTable), Count(FlowWebDbContext.ChannelDaysTable));
    }

    private static void WriteQuery(TextWriter output, StorageBenchmarkQuery q) =>
        WriteLine(output, $"  {q.Range,-6} {q.Resolution,-7} {q.Buckets,8:N0} buckets   first {q.First.TotalMilliseconds,7:F1} ms   median {q.Median.TotalMilliseconds,7:F1} ms");

    private static string SqliteVersion(SqliteConnectionFactory connections)
    {
        using var connection = connections.OpenAsync().GetAwaiter().GetResult();
        return connection.ServerVersion;
    }

    private static void DeleteDatabase(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }

    private static void WriteLine(TextWriter output, FormattableString line) => output.WriteLine(line.ToString(CultureInfo.InvariantCulture));

    /// <summary>The benchmark's "now": the end of the filled history.</summary>
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
