using System.Diagnostics;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Storage.History;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

using FlowWeb.Core.Storage;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>The toplist part of the writer benchmark: a burst of closed periods, as every sensor's toplists close together.</summary>
public sealed record StorageToplistThroughput(int Periods, int RowsPerPeriod, TimeSpan BurstTime, double PeriodsPerSecond, double RowsPerSecond);

/// <summary>
/// What the history writer must keep up with for <see cref="Sensors"/> sensors of <see cref="Channels"/> channels, each
/// with <see cref="Toplists"/> toplists storing their top <see cref="ToplistRows"/> every <see cref="PeriodMinutes"/>
/// minutes: on average, and in the bursts when every minute (and every period) closes at once. A stored period is its
/// rows plus one period row.
/// </summary>
public sealed record StorageWriterNeed(int Sensors, int Channels, int Toplists, int ToplistRows, int PeriodMinutes)
{
    public int MinuteBurstRows => Sensors * Channels;

    public double MinuteRowsPerSecond => MinuteBurstRows / 60.0;

    public int ToplistBurstPeriods => Sensors * Toplists;

    public int ToplistBurstRows => ToplistBurstPeriods * (ToplistRows + 1);

    public double ToplistRowsPerSecond => ToplistBurstRows / (PeriodMinutes * 60.0);

    public double RowsPerSecond => MinuteRowsPerSecond + ToplistRowsPerSecond;

    public static StorageWriterNeed For(int sensors, int channels, int toplists, int toplistRows, int periodMinutes) =>
        new(sensors, channels, toplists, toplistRows, periodMinutes);
}

public static partial class StorageBenchmark
{
    private const int BurstRepeats = 3;

    /// <summary>Four hours of new minutes for every sensor through the queue, then the same rows again as late additions.</summary>
    private static async Task<(double Fresh, double Late)> WriterThroughputAsync(SqliteConnectionFactory connections, IOptions<StorageOptions> options,
        Guid[] ids, int[] channels, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var writer = new HistoryWriter(connections, options, NullLogger<HistoryWriter>.Instance);
        var random = new Random(11);
        var batches = new List<List<ChannelMinute>>();
        for (var m = 0; m < 240; m++)
        {
            var rows = new List<ChannelMinute>(ids.Length * channels.Length);
            AddRows(rows, ids, channels, now.AddMinutes(m), HistoryBuckets.MinuteSeconds, random);
            batches.Add(rows);
        }

        var count = batches.Sum(b => b.Count);
        double Run()
        {
            var clock = Stopwatch.StartNew();
            foreach (var batch in batches)
            {
                if (!writer.TryWriteMinutes(batch))
                {
                    throw new InvalidOperationException("History queue full during the benchmark.");
                }
            }

            writer.FlushAsync(cancellationToken).GetAwaiter().GetResult();
            return count / clock.Elapsed.TotalSeconds;
        }

        var fresh = await Task.Run(Run, cancellationToken).ConfigureAwait(false);
        var late = await Task.Run(Run, cancellationToken).ConfigureAwait(false);
        var counters = writer.Counters;
        if (counters.MinuteRowsWritten != 2L * count)
        {
            throw new InvalidOperationException($"History writer wrote {counters.MinuteRowsWritten} of {2L * count} rows.");
        }

        return (fresh, late);
    }

    /// <summary>
    /// 600 closed periods of 100 distinct rows (100 sensors × 6 toplists, the default top 100) queued at once and
    /// flushed, <see cref="BurstRepeats"/> times; the median burst counts.
    /// </summary>
    private static async Task<StorageToplistThroughput> ToplistThroughputAsync(SqliteConnectionFactory connections, IOptions<StorageOptions> options,
        Guid[] ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const int periods = 600, rows = 100, toplistsPerSensor = 6;
        using var writer = new HistoryWriter(connections, options, NullLogger<HistoryWriter>.Instance);
        var random = new Random(13);
        var start = DateTimeOffset.FromUnixTimeSeconds(HistoryBuckets.AlignDown(now.ToUnixTimeSeconds(), 900));
        var burst = new List<(Guid Sensor, int Toplist, ToplistPeriodResult Period)>(periods);
        for (var p = 0; p < periods; p++)
        {
            var list = new ToplistRow[rows];
            long total = 0;
            for (var r = 0; r < rows; r++)
            {
                var bytes = (long)(5e8 / (r + 1) * (0.5 + random.NextDouble()));
                total += bytes;
                var key = new ToplistKey(FlowAddress.FromIPv4(0x0A000000u | (uint)random.Next(1 << 16)), FlowAddress.FromIPv4(0xC6336400u | (uint)random.Next(256)),
                    (ushort)random.Next(1024, 65535), 443, 6);
                list[r] = new ToplistRow(key, bytes, bytes / 1200, 1 + (bytes / 1_000_000), 0);
            }

            Array.Sort(list, (a, b) => b.Bytes.CompareTo(a.Bytes));
            burst.Add((ids[p % ids.Length], 1 + (p / ids.Length % toplistsPerSensor),
                new ToplistPeriodResult(start, start.AddMinutes(15), list, total, total / 1200, rows * 3, false, 0, rows * 40)));
        }

        var times = new List<TimeSpan>();
        for (var i = 0; i < BurstRepeats; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            foreach (var (sensor, toplist, period) in burst)
            {
                if (!writer.TryWriteToplist(sensor, toplist, period))
                {
                    throw new InvalidOperationException("History queue full during the benchmark.");
                }
            }

            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            times.Add(clock.Elapsed);
        }

        if (writer.Counters.ToplistPeriodsWritten != (long)BurstRepeats * periods)
        {
            throw new InvalidOperationException($"History writer wrote {writer.Counters.ToplistPeriodsWritten} of {BurstRepeats * periods} toplist periods.");
        }

        var median = times.Order().ElementAt(times.Count / 2);
        return new StorageToplistThroughput(periods, rows, median, periods / median.TotalSeconds, periods * (rows + 1) / median.TotalSeconds);
    }

    private static void WriteNeed(TextWriter output, StorageWriterNeed need, double minuteRowsPerSecond, StorageToplistThroughput toplists, int queueCapacity)
    {
        var minuteBurst = TimeSpan.FromSeconds(need.MinuteBurstRows / minuteRowsPerSecond);
        var toplistBurst = TimeSpan.FromSeconds(need.ToplistBurstRows / toplists.RowsPerSecond);
        WriteLine(output, $"need of {need.Sensors} sensors x {need.Channels} channels with {need.Toplists} toplists of top {need.ToplistRows} per {need.PeriodMinutes} min: {need.MinuteRowsPerSecond:N0} minute rows/s + {need.ToplistRowsPerSecond:N0} toplist rows/s = {need.RowsPerSecond:N0} rows/s on average");
        WriteLine(output, $"  minute close: {need.MinuteBurstRows:N0} rows, written in {minuteBurst.TotalMilliseconds:N0} ms ({minuteRowsPerSecond / need.MinuteRowsPerSecond:N0}x the average need)");
        WriteLine(output, $"  period close: {need.ToplistBurstPeriods:N0} periods = {need.ToplistBurstRows:N0} rows, written in {toplistBurst.TotalMilliseconds:N0} ms ({toplists.RowsPerSecond / need.ToplistRowsPerSecond:N0}x the average need); queue holds {queueCapacity:N0} items, the burst is {need.ToplistBurstPeriods + need.Sensors:N0}");
    }
}
