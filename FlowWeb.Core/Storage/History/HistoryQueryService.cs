using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Storage.History;

/// <summary>
/// Reads channel and toplist history for pages and the API: one context per call, no tracking, the work done in SQL.
/// </summary>
public sealed class HistoryQueryService(IDbContextFactory<FlowWebDbContext> contexts, IOptions<StorageOptions> options, TimeProvider time)
{
    /// <summary>Ranges up to this long are read from minute rows.</summary>
    public static readonly TimeSpan MinuteRangeLimit = TimeSpan.FromDays(2);

    /// <summary>Ranges up to this long are read from hour rows; longer ones from day rows.</summary>
    public static readonly TimeSpan HourRangeLimit = TimeSpan.FromDays(60);

    private StorageOptions Options => options.Value;

    /// <summary>
    /// The finest resolution the range length allows (≤ 2 days: minute, ≤ 60 days: hour, else day), made coarser when
    /// the range starts before that resolution's retention, whose rows are gone.
    /// </summary>
    public HistoryResolution ChooseResolution(DateTimeOffset from, DateTimeOffset to)
    {
        var span = to - from;
        var now = time.GetUtcNow();
        var resolution = span <= MinuteRangeLimit ? HistoryResolution.Minute : span <= HourRangeLimit ? HistoryResolution.Hour : HistoryResolution.Day;
        if (resolution == HistoryResolution.Minute && from < now - Options.MinuteRetention)
        {
            resolution = HistoryResolution.Hour;
        }

        if (resolution == HistoryResolution.Hour && from < now - Options.HourRetention)
        {
            resolution = HistoryResolution.Day;
        }

        return resolution;
    }

    public Task<ChannelHistory> GetChannelHistoryAsync(Guid sensorId, DateTimeOffset from, DateTimeOffset to,
        HistoryResolution resolution = HistoryResolution.Auto, IReadOnlyCollection<int>? channelIds = null, CancellationToken cancellationToken = default) =>
        GetChannelHistoryAsync([sensorId], from, to, resolution, channelIds, cancellationToken);

    /// <summary>
    /// Per-channel buckets over [from, to) (the bucket holding <paramref name="from"/> included), summed over the given
    /// sensors (a device): bytes, packets, flows and every rate computed from them are exact sums; only the busiest
    /// second is then an upper bound (the sum of each sensor's busiest second, which need not coincide).
    /// </summary>
    public async Task<ChannelHistory> GetChannelHistoryAsync(IReadOnlyCollection<Guid> sensorIds, DateTimeOffset from, DateTimeOffset to,
        HistoryResolution resolution = HistoryResolution.Auto, IReadOnlyCollection<int>? channelIds = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sensorIds);
        if (resolution == HistoryResolution.Auto)
        {
            resolution = ChooseResolution(from, to);
        }

        var seconds = HistoryBuckets.SecondsOf(resolution);
        var fromBucket = HistoryBuckets.AlignDown(from.ToUnixTimeSeconds(), seconds);
        var toSecond = to.ToUnixTimeSeconds();

        List<BucketSum> sums;
        var summed = false;
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var keys = await SensorKeysAsync(db, sensorIds, cancellationToken).ConfigureAwait(false);
            summed = keys.Count > 1;
            sums = keys.Count == 0 ? [] : resolution switch
            {
                HistoryResolution.Minute => await SumAsync(db.ChannelMinutes, keys, fromBucket, toSecond, channelIds, cancellationToken).ConfigureAwait(false),
                HistoryResolution.Hour => await SumAsync(db.ChannelHours, keys, fromBucket, toSecond, channelIds, cancellationToken).ConfigureAwait(false),
                _ => await SumAsync(db.ChannelDays, keys, fromBucket, toSecond, channelIds, cancellationToken).ConfigureAwait(false),
            };
        }

        // Rows arrive in (bucket, channel) order: one pass splits them into per-channel series already in time order.
        var now = time.GetUtcNow();
        var byChannel = new SortedDictionary<int, List<HistoryBucket>>();
        foreach (var s in sums)
        {
            if (!byChannel.TryGetValue(s.ChannelId, out var buckets))
            {
                byChannel[s.ChannelId] = buckets = [];
            }

            buckets.Add(new HistoryBucket(DateTimeOffset.FromUnixTimeSeconds(s.BucketStart), s.Bytes, s.Packets, s.Flows, s.Peak,
                HistoryBuckets.CoveredSeconds(s.BucketStart, seconds, now)));
        }

        var series = byChannel
            .Select(c => new ChannelHistorySeries(c.Key, c.Value, RateStatistics.Summarize(c.Value, seconds, from, to, now, peakIsUpperBound: summed)))
            .ToList();
        return new ChannelHistory(from, to, resolution, series);
    }

    /// <summary>Stored periods of a toplist that overlap [from, to), oldest first.</summary>
    public async Task<IReadOnlyList<ToplistPeriodInfo>> GetToplistPeriodsAsync(Guid sensorId, int toplistId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var key = await SensorKeyAsync(db, sensorId, cancellationToken).ConfigureAwait(false);
            var rows = await Periods(db, key, toplistId, from, to).OrderBy(p => p.PeriodStart).ThenBy(p => p.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.Select(ToInfo)];
        }
    }

    /// <summary>
    /// The stored periods of a toplist that overlap [from, to) grouped into clock slots of
    /// <paramref name="periodMinutes"/> (oldest first): a period a restart cut shows once, marked partial.
    /// </summary>
    public async Task<IReadOnlyList<ToplistSlot>> GetToplistSlotsAsync(Guid sensorId, int toplistId, int periodMinutes, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken = default) =>
        ToplistSlot.Group(await GetToplistPeriodsAsync(sensorId, toplistId, from, to, cancellationToken).ConfigureAwait(false), periodMinutes);

    /// <summary>A stored period of this sensor's toplist, or null when the id names no period of it (or of another sensor or toplist).</summary>
    public async Task<ToplistPeriodInfo?> FindToplistPeriodAsync(Guid sensorId, int toplistId, long periodId, CancellationToken cancellationToken = default)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var key = await SensorKeyAsync(db, sensorId, cancellationToken).ConfigureAwait(false);
            var row = await db.ToplistPeriods.AsNoTracking()
                .FirstOrDefaultAsync(p => p.Id == periodId && p.SensorKey == key && p.ToplistId == toplistId, cancellationToken).ConfigureAwait(false);
            return row is null ? null : ToInfo(row);
        }
    }

    /// <summary>One stored period with its rows in rank order, or null when there is no such period.</summary>
    public async Task<StoredToplist?> GetToplistPeriodAsync(long periodId, CancellationToken cancellationToken = default)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var period = await db.ToplistPeriods.AsNoTracking().FirstOrDefaultAsync(p => p.Id == periodId, cancellationToken).ConfigureAwait(false);
            if (period is null)
            {
                return null;
            }

            var entries = await db.ToplistEntries.AsNoTracking().Where(e => e.PeriodId == periodId).OrderBy(e => e.Rank)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return new StoredToplist(
                DateTimeOffset.FromUnixTimeSeconds(period.PeriodStart), DateTimeOffset.FromUnixTimeSeconds(period.PeriodEnd), 1,
                period.TotalBytes, period.TotalPackets, period.TotalFlows, period.Approximate, period.ErrorBound,
                [.. entries.Select(e => new StoredToplistRow(KeyOf(e.AHigh, e.ALow, e.BHigh, e.BLow, e.Port1, e.Port2, e.Protocol, e.Number1, e.Number2),
                    e.Bytes, e.Packets, e.Flows, e.ErrorBytes, e.HostName) { HostNameB = e.HostNameB, OwnerA = e.OwnerA, OwnerB = e.OwnerB })]);
        }
    }

    /// <summary>The periods overlapping [from, to) merged: rows summed by key, the <paramref name="top"/> largest by bytes.</summary>
    public async Task<StoredToplist> MergeToplistPeriodsAsync(Guid sensorId, int toplistId, DateTimeOffset from, DateTimeOffset to, int top = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var key = await SensorKeyAsync(db, sensorId, cancellationToken).ConfigureAwait(false);
            var periods = await Periods(db, key, toplistId, from, to).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (periods.Count == 0)
            {
                return new StoredToplist(from, to, 0, 0, 0, 0, false, 0, []);
            }

            var periodQuery = Periods(db, key, toplistId, from, to);
            var merged = await db.ToplistEntries.AsNoTracking()
                .Join(periodQuery, e => e.PeriodId, p => p.Id, (e, p) => e)
                .GroupBy(e => new { e.AHigh, e.ALow, e.BHigh, e.BLow, e.Port1, e.Port2, e.Protocol, e.Number1, e.Number2 })
                .Select(g => new
                {
                    g.Key,
                    Bytes = g.Sum(e => e.Bytes),
                    Packets = g.Sum(e => e.Packets),
                    Flows = g.Sum(e => e.Flows),
                    ErrorBytes = g.Sum(e => e.ErrorBytes),
                    HostName = g.Max(e => e.HostName),
                    HostNameB = g.Max(e => e.HostNameB),
                    OwnerA = g.Max(e => e.OwnerA),
                    OwnerB = g.Max(e => e.OwnerB),
                })
                .OrderByDescending(r => r.Bytes)
                .Take(top)
                .ToListAsync(cancellationToken).ConfigureAwait(false);

            // A key outside a truncated period's stored top N had at most that period's smallest stored row there.
            var truncatedMinimums = await db.ToplistEntries.AsNoTracking()
                .Join(periodQuery.Where(p => p.EntryCount < p.DistinctKeys), e => e.PeriodId, p => p.Id, (e, p) => e)
                .GroupBy(e => e.PeriodId)
                .Select(g => g.Min(e => e.Bytes))
                .ToListAsync(cancellationToken).ConfigureAwait(false);

            // One period with only its top N stored is exact for the rows it lists; a sum of several is not, as a key
            // below the top N of one of them misses its share there.
            var summed = periods.Count > 1 ? truncatedMinimums.Sum() : 0;
            return new StoredToplist(
                DateTimeOffset.FromUnixTimeSeconds(periods.Min(p => p.PeriodStart)), DateTimeOffset.FromUnixTimeSeconds(periods.Max(p => p.PeriodEnd)),
                periods.Count, periods.Sum(p => p.TotalBytes), periods.Sum(p => p.TotalPackets), periods.Sum(p => p.TotalFlows),
                periods.Any(p => p.Approximate) || summed > 0,
                periods.Sum(p => p.ErrorBound) + summed,
                [.. merged.Select(r => new StoredToplistRow(
                    KeyOf(r.Key.AHigh, r.Key.ALow, r.Key.BHigh, r.Key.BLow, r.Key.Port1, r.Key.Port2, r.Key.Protocol, r.Key.Number1, r.Key.Number2),
                    r.Bytes, r.Packets, r.Flows, r.ErrorBytes, r.HostName) { HostNameB = r.HostNameB, OwnerA = r.OwnerA, OwnerB = r.OwnerB })]);
        }
    }

    /// <summary>Channel history as CSV (see <see cref="HistoryCsv.WriteChannelHistoryAsync"/>).</summary>
    public async Task<ChannelHistory> ExportChannelHistoryCsvAsync(TextWriter writer, IReadOnlyCollection<Guid> sensorIds, DateTimeOffset from, DateTimeOffset to,
        HistoryResolution resolution = HistoryResolution.Auto, IReadOnlyDictionary<int, string>? channelNames = null, CancellationToken cancellationToken = default)
    {
        var history = await GetChannelHistoryAsync(sensorIds, from, to, resolution, null, cancellationToken).ConfigureAwait(false);
        await HistoryCsv.WriteChannelHistoryAsync(writer, history, channelNames, cancellationToken).ConfigureAwait(false);
        return history;
    }

    /// <summary>Every stored period of a toplist overlapping [from, to) with its rows, as CSV (see <see cref="HistoryCsv.WriteToplistHeaderAsync"/>); returns the number of periods.</summary>
    public async Task<int> ExportToplistCsvAsync(TextWriter writer, Guid sensorId, int toplistId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var periods = await GetToplistPeriodsAsync(sensorId, toplistId, from, to, cancellationToken).ConfigureAwait(false);
        await HistoryCsv.WriteToplistHeaderAsync(writer, cancellationToken).ConfigureAwait(false);
        foreach (var info in periods)
        {
            if (await GetToplistPeriodAsync(info.Id, cancellationToken).ConfigureAwait(false) is { } period)
            {
                await HistoryCsv.WriteToplistRowsAsync(writer, period, cancellationToken).ConfigureAwait(false);
            }
        }

        return periods.Count;
    }

    private static async Task<List<long>> SensorKeysAsync(FlowWebDbContext db, IReadOnlyCollection<Guid> sensorIds, CancellationToken cancellationToken)
    {
        var ids = sensorIds.Distinct().ToList();
        return await db.HistorySensors.AsNoTracking().Where(s => ids.Contains(s.SensorId)).Select(s => s.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<BucketSum>> SumAsync<T>(DbSet<T> table, List<long> keys, long fromBucket, long toSecond, IReadOnlyCollection<int>? channelIds, CancellationToken cancellationToken)
        where T : class, IChannelBucketRow
    {
        var rows = table.AsNoTracking().Where(r => r.BucketStart >= fromBucket && r.BucketStart < toSecond);
        if (channelIds is not null)
        {
            var channels = channelIds.ToList();
            rows = rows.Where(r => channels.Contains(r.ChannelId));
        }

        if (keys.Count == 1)
        {
            // One sensor: a plain range read along the primary key, no grouping.
            var key = keys[0];
            return await rows.Where(r => r.SensorKey == key)
                .OrderBy(r => r.BucketStart).ThenBy(r => r.ChannelId)
                .Select(r => new BucketSum(r.ChannelId, r.BucketStart, r.Bytes, r.Packets, r.Flows, r.PeakBytesPerSecond))
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        return await rows.Where(r => keys.Contains(r.SensorKey))
            .GroupBy(r => new { r.ChannelId, r.BucketStart })
            .OrderBy(g => g.Key.BucketStart).ThenBy(g => g.Key.ChannelId)
            .Select(g => new BucketSum(g.Key.ChannelId, g.Key.BucketStart, g.Sum(r => r.Bytes), g.Sum(r => r.Packets), g.Sum(r => r.Flows), g.Sum(r => r.PeakBytesPerSecond)))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The sensor's history key, or -1 (matching nothing) when it has no history.</summary>
    private static async Task<long> SensorKeyAsync(FlowWebDbContext db, Guid sensorId, CancellationToken cancellationToken)
    {
        var keys = await db.HistorySensors.AsNoTracking().Where(s => s.SensorId == sensorId).Select(s => s.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return keys.Count == 0 ? -1 : keys[0];
    }

    private static IQueryable<ToplistPeriodRow> Periods(FlowWebDbContext db, long sensorKey, int toplistId, DateTimeOffset from, DateTimeOffset to)
    {
        var start = from.ToUnixTimeSeconds();
        var end = to.ToUnixTimeSeconds();
        return db.ToplistPeriods.AsNoTracking()
            .Where(p => p.SensorKey == sensorKey && p.ToplistId == toplistId && p.PeriodStart < end && p.PeriodEnd > start);
    }

    private static ToplistPeriodInfo ToInfo(ToplistPeriodRow p) => new(
        p.Id, DateTimeOffset.FromUnixTimeSeconds(p.PeriodStart), DateTimeOffset.FromUnixTimeSeconds(p.PeriodEnd),
        p.TotalBytes, p.TotalPackets, p.TotalFlows, p.Approximate, p.ErrorBound, p.DistinctKeys, p.EntryCount);

    private static ToplistKey KeyOf(long aHigh, long aLow, long bHigh, long bLow, int port1, int port2, int protocol, long number1, long number2) =>
        new(new FlowAddress(unchecked((ulong)aHigh), unchecked((ulong)aLow)), new FlowAddress(unchecked((ulong)bHigh), unchecked((ulong)bLow)),
            (ushort)port1, (ushort)port2, (byte)protocol, (uint)number1, (uint)number2);

    private readonly record struct BucketSum(int ChannelId, long BucketStart, double Bytes, double Packets, double Flows, double Peak);
}
