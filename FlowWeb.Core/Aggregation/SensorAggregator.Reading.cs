using FlowWeb.Core.Aggregation.Tables;
using System.Buffers;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation;

/// <summary>The collector's tick: visits every shard under its lock, merges, hands closed data to history.</summary>
public sealed partial class SensorAggregator
{
    // Used by the tick only (one at a time, guarded by _tickSync): a copy of each shard's series, the toplist periods
    // closed by some shards but not yet by all, and each toplist's completed periods (merged over shards), newest first.
    private readonly Lock _tickSync = new();
    private readonly ChannelSeries?[] _shardSeries;
    private readonly List<ToplistPeriodState> _closing = [];
    private readonly List<ToplistPeriodResult>[] _completed;
    private readonly long _createdSecond;

    /// <summary>
    /// Moves every shard's clock to <paramref name="now"/>, reads what <paramref name="interest"/> asks for, and raises
    /// <see cref="MinutesClosed"/> and <see cref="ToplistPeriodClosed"/> for what closed. Each shard's lock is held for a
    /// memory copy, then once for each toplist's reading (rows asked for are a scan of its table); merging and everything
    /// else happens after it is released.
    /// </summary>
    public SensorReading Tick(DateTimeOffset now, SensorInterest interest)
    {
        lock (_tickSync)
        {
            _tailWanted = interest.Tail;
            var visits = Visit(now.ToUnixTimeSeconds(), (shard, series, second) => shard.Visit(second, interest, series), interest);
            return Merge(now, interest, visits);
        }
    }

    /// <summary>
    /// Hands over every open minute and the running toplist periods as they are (graceful shutdown), and empties them:
    /// what was handed over is not handed over again, by a second drain (a host may stop twice) or at the period's end.
    /// Periods that counted nothing are left out. Raises the same events as the tick.
    /// </summary>
    public void Drain(DateTimeOffset now)
    {
        lock (_tickSync)
        {
            var visits = Visit(now.ToUnixTimeSeconds(), (shard, series, second) => shard.Drain(second, series));
            var series = SeriesCopies(visits);
            HandOver(visits, series, draining: true);
        }
    }

    /// <summary>Counters summed over the shards, read under their locks (tests and benchmarks; pages read frames).</summary>
    public SensorCounters ReadCounters()
    {
        var total = default(SensorCounters);
        foreach (var shard in _shards)
        {
            if (shard is not null)
            {
                lock (shard.Sync)
                {
                    total = total.Add(shard.Counters);
                }
            }
        }

        return total;
    }

    public long FlowsAccepted => ReadCounters().FlowsAccepted;

    public long FlowsFiltered => ReadCounters().FlowsFiltered;

    public long Datagrams => ReadCounters().Datagrams;

    /// <summary>Bytes and packets after sampling scaling.</summary>
    public double Bytes => ReadCounters().Bytes;

    public double Packets => ReadCounters().Packets;

    public DateTimeOffset? LastDataAt => ReadCounters().LastDataAt;

    /// <summary>Per-second values of every channel for the last <paramref name="seconds"/> seconds (tests and benchmarks; pages read frames).</summary>
    public ChannelSnapshot ReadChannels(int seconds, DateTimeOffset now)
    {
        var copies = new List<ChannelSeries>();
        foreach (var shard in _shards)
        {
            if (shard is not null)
            {
                var copy = new ChannelSeries(Channels.Channels.Count, _options.LiveWindowSeconds, _createdSecond);
                lock (shard.Sync)
                {
                    shard.CopySeries(copy);
                }

                copies.Add(copy);
            }
        }

        return ReadSeries(copies, seconds, now.ToUnixTimeSeconds());
    }

    /// <summary>A toplist's running period (shards merged) and its completed periods, newest first (tests and benchmarks; pages read frames).</summary>
    public (ToplistPeriodResult Running, IReadOnlyList<ToplistPeriodResult> Completed)? ReadToplist(int toplistId, int? count = null)
    {
        var index = Definition.Toplists.ToList().FindIndex(t => t.Id == toplistId);
        if (index < 0)
        {
            return null;
        }

        var rows = count ?? Definition.Toplists[index].Count;
        var parts = new List<ToplistPeriodState>();
        foreach (var shard in _shards)
        {
            if (shard is not null)
            {
                lock (shard.Sync)
                {
                    parts.Add(shard.RunningToplist(toplistId, rows)!);
                }
            }
        }

        lock (_tickSync)
        {
            return (ToplistPeriodState.Merge(parts, rows), [.. _completed[index]]);
        }
    }

    /// <summary>
    /// Visits every shard under its lock; with <paramref name="toplists"/>, then reads each running toplist under the
    /// lock again, one toplist per hold, so that the receive thread waits at most for one table's scan at a time.
    /// </summary>
    private List<(ShardVisit Visit, ChannelSeries Series)> Visit(long nowSecond, Func<SensorShard, ChannelSeries, long, ShardVisit> visit,
        SensorInterest? toplists = null)
    {
        var visits = new List<(ShardVisit, ChannelSeries)>(_shards.Length);
        for (var i = 0; i < _shards.Length; i++)
        {
            if (Volatile.Read(ref _shards[i]) is not { } shard)
            {
                continue;
            }

            var series = _shardSeries[i] ??= new ChannelSeries(Channels.Channels.Count, _options.LiveWindowSeconds, nowSecond);
            ShardVisit read;
            lock (shard.Sync)
            {
                read = visit(shard, series, nowSecond);
            }

            if (toplists is { } interest)
            {
                for (var t = 0; t < read.Running.Length; t++)
                {
                    lock (shard.Sync)
                    {
                        read.Running[t] = shard.ReadRunning(t, interest);
                    }
                }
            }

            visits.Add((read, series));
        }

        return visits;
    }

    private static List<ChannelSeries> SeriesCopies(List<(ShardVisit Visit, ChannelSeries Series)> visits)
    {
        // A receive thread may have booked a second the tick's clock has not reached yet: align every copy on the newest.
        var copies = visits.Select(v => v.Series).ToList();
        var newest = copies.Max(s => s.NewestSecond);
        copies.ForEach(s => s.Advance(newest));
        return copies;
    }

    private SensorReading Merge(DateTimeOffset now, SensorInterest interest, List<(ShardVisit Visit, ChannelSeries Series)> visits)
    {
        var series = SeriesCopies(visits);
        HandOver(visits, series);

        var counters = default(SensorCounters);
        foreach (var (visit, _) in visits)
        {
            counters = counters.Add(visit.Counters);
        }

        List<TailedFlow>? tail = null;
        if (interest.Tail)
        {
            tail = [.. visits.SelectMany(v => v.Visit.Tail ?? []).OrderByDescending(f => f.ArrivedAt).Take(SensorShard.FlowTailCapacity)];
        }

        var toplists = new ToplistReading[Definition.Toplists.Count];
        for (var t = 0; t < toplists.Length; t++)
        {
            // Rows count as read only when every shard read them (a shard's table may be small enough to read, another's not).
            var states = visits.Select(v => v.Visit.Running[t]).ToList();
            var rows = states.TrueForAll(s => s.RowsRead) ? Math.Max(interest.ToplistRows, interest.ToplistRowsWatched) : 0;
            var running = ToplistPeriodState.Merge(states, rows);
            toplists[t] = new ToplistReading(Definition.Toplists[t], running, rows, [.. _completed[t]]);
        }

        var arrivals = ArrivalTotals.Sum([.. visits.Select(v => v.Visit.Arrivals).OfType<ArrivalTotals>()], Channels.Channels.Count);
        return new SensorReading(Definition, Channels, now, counters, ReadSeries(series, interest.SeriesSeconds, series[0].NewestSecond), tail, toplists)
        {
            Arrivals = arrivals,
        };
    }

    /// <summary>Per-second values summed over the shards' series copies, the last <paramref name="seconds"/> seconds up to <paramref name="nowSecond"/>.</summary>
    private ChannelSnapshot ReadSeries(List<ChannelSeries> copies, int seconds, long nowSecond)
    {
        seconds = Math.Clamp(seconds, 1, _options.LiveWindowSeconds);
        var newest = Math.Max(nowSecond, copies.Count == 0 ? nowSecond : copies.Max(s => s.NewestSecond));
        copies.ForEach(s => s.Advance(newest));
        var count = Channels.Channels.Count;
        var bytes = new double[count][];
        var packets = new double[count][];
        var flows = new double[count][];
        var scratch = ArrayPool<double>.Shared.Rent(seconds * 3);
        try
        {
            for (var c = 0; c < count; c++)
            {
                bytes[c] = new double[seconds];
                packets[c] = new double[seconds];
                flows[c] = new double[seconds];
                foreach (var copy in copies)
                {
                    var b = scratch.AsSpan(0, seconds);
                    var p = scratch.AsSpan(seconds, seconds);
                    var f = scratch.AsSpan(seconds * 2, seconds);
                    copy.Read(c, seconds, b, p, f);
                    Add(bytes[c], b);
                    Add(packets[c], p);
                    Add(flows[c], f);
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scratch);
        }

        return new ChannelSnapshot(DateTimeOffset.FromUnixTimeSeconds(newest - seconds + 1), bytes, packets, flows);
    }

    private static void Add(double[] sum, ReadOnlySpan<double> part)
    {
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] += part[i];
        }
    }

    /// <summary>
    /// Merges what closed in the shards (minutes by minute, toplist periods by period) and raises the events for history.
    /// A toplist period goes to history once every shard has closed it, i.e. runs a later period (a receive thread may
    /// close it on a datagram a moment before the tick reaches the others); shards made later never hold it up.
    /// </summary>
    private void HandOver(List<(ShardVisit Visit, ChannelSeries Series)> visits, List<ChannelSeries> series, bool draining = false)
    {
        _closing.AddRange(visits.SelectMany(v => v.Visit.ClosedPeriods ?? []));
        var ready = draining ? [.. _closing] : _closing.Where(state => visits.All(v => v.Visit.Running.Length == 0 ||
            v.Visit.Running.First(r => r.Definition.Id == state.Definition.Id).Start > state.Start)).ToList();
        foreach (var group in ready.GroupBy(s => (s.Definition.Id, s.Start)).OrderBy(g => g.Key.Start))
        {
            var definition = group.First().Definition;
            var index = Definition.Toplists.ToList().FindIndex(t => t.Id == definition.Id);
            var merged = ToplistPeriodState.Merge([.. group], definition.Count);
            var completed = _completed[index];
            completed.Insert(0, merged);
            if (completed.Count > ToplistPeriodMerger.CompletedKept)
            {
                completed.RemoveAt(completed.Count - 1);
            }

            ToplistPeriodClosed?.Invoke(this, definition, merged);
        }

        _closing.RemoveAll(ready.Contains);

        // Merged into history's rows: the closed tables' memory goes back to the budget now, not when the GC gets to them.
        foreach (var tables in ready.Select(s => s.Tables).OfType<ToplistTables>().Distinct())
        {
            if (!_closing.Any(s => s.Tables == tables))
            {
                tables.Release();
            }
        }
        foreach (var (definition, result) in ToplistPeriodMerger.MergeDrained(visits.SelectMany(v => v.Visit.Drained ?? [])))
        {
            ToplistPeriodClosed?.Invoke(this, definition, result);
        }

        var minutes = visits.SelectMany(v => v.Visit.ClosedMinutes ?? []).GroupBy(m => m.Minute).OrderBy(g => g.Key).ToList();
        if (minutes.Count > 0)
        {
            MinutesClosed?.Invoke(this, MinuteRows(minutes, series));
        }
    }

    /// <summary>
    /// History rows for closed minutes (the shards' values summed), with each channel's highest one-second byte rate
    /// in the minute taken from the shards' series summed second by second (0 for seconds no longer in the window).
    /// </summary>
    private List<ChannelMinute> MinuteRows(List<IGrouping<long, (long Minute, double[] Values)>> minutes, List<ChannelSeries> series)
    {
        var channels = Channels.Channels;
        var newest = series[0].NewestSecond;
        var from = Math.Max(minutes[0].Key, series[0].OldestSecond);
        var span = (int)Math.Clamp(newest - from + 1, 0, _options.LiveWindowSeconds);
        var perSecond = new double[channels.Count][];
        var scratch = ArrayPool<double>.Shared.Rent(Math.Max(1, span * 3));
        try
        {
            for (var c = 0; c < channels.Count; c++)
            {
                perSecond[c] = new double[span];
                foreach (var copy in series)
                {
                    copy.Read(c, span, scratch.AsSpan(0, span), scratch.AsSpan(span, span), scratch.AsSpan(span * 2, span));
                    Add(perSecond[c], scratch.AsSpan(0, span));
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scratch);
        }

        var rows = new List<ChannelMinute>(minutes.Count * channels.Count);
        foreach (var group in minutes)
        {
            var values = new double[group.First().Values.Length];
            foreach (var (_, part) in group)
            {
                Add(values, part);
            }

            var start = DateTimeOffset.FromUnixTimeSeconds(group.Key);
            for (var c = 0; c < channels.Count; c++)
            {
                var peak = 0.0;
                for (var s = Math.Max(group.Key, from); s <= Math.Min(group.Key + 59, newest); s++)
                {
                    peak = Math.Max(peak, perSecond[c][s - from]);
                }

                rows.Add(new ChannelMinute(Id, channels[c].Id, start, MinuteRollup.Bytes(values, c), MinuteRollup.Packets(values, c),
                    MinuteRollup.Flows(values, c), peak));
            }
        }

        return rows;
    }
}
