using FlowWeb.Core.Channels;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation;

/// <summary>
/// What one receive thread counts for a sensor: the per-second channel series, the minute rollups for history,
/// the toplists, the flow tail and the counters. It has one writer, its receive thread, and one other user, the
/// collector's once-a-second tick, which moves its clock and reads it; the lock between the two is taken once per
/// datagram by the writer and once per second by the tick. Nothing else reads it: pages read published frames.
/// </summary>
internal sealed class SensorShard
{
    private readonly SensorAggregator _sensor;
    private readonly ChannelSeries _series;
    private readonly MinuteRollup _minutes;
    private readonly long _minuteGraceSeconds;
    private readonly (ToplistDefinition Definition, ToplistKeys Keys, ToplistPeriods Periods)[] _toplists;
    private readonly FlowTail _tail = new(500);
    private long _lastMinuteCheck;

    public SensorShard(SensorAggregator sensor, AggregationOptions options, long nowSecond)
    {
        _sensor = sensor;
        var definition = sensor.Definition;
        _series = new ChannelSeries(sensor.Channels.Channels.Count, options.LiveWindowSeconds, nowSecond);
        _minutes = new MinuteRollup(sensor.Channels.Channels.Count);
        _minuteGraceSeconds = options.MinuteGraceSeconds;
        _toplists = [.. definition.Toplists.Select(t => (t, new ToplistKeys(t.Type, t.Fields),
            new ToplistPeriods(t.PeriodMinutes, t.Count, options.ToplistCapacity, nowSecond)))];
    }

    /// <summary>Taken by the writer for each datagram and by the tick once a second.</summary>
    public Lock Sync { get; } = new();

    public ChannelSeries Series => _series;

    public FlowTail Tail => _tail;

    public long FlowsAccepted { get; private set; }

    public long FlowsFiltered { get; private set; }

    public long Datagrams { get; private set; }

    public double Bytes { get; private set; }

    public double Packets { get; private set; }

    public DateTimeOffset? LastDataAt { get; private set; }

    public int VersionsSeen { get; private set; }

    /// <summary>Books the data records of one decoded datagram; the caller holds <see cref="Sync"/>.</summary>
    public SensorAggregator.Closed? Ingest(FlowBatch batch, DateTimeOffset now)
    {
        var nowSecond = now.ToUnixTimeSeconds();
        var exporter = batch.Exporter;
        var closed = Advance(nowSecond);
        Span<ToplistKey> keys = stackalloc ToplistKey[2];
        Datagrams++;
        var records = batch.Records;
        for (var i = 0; i < records.Length; i++)
        {
            ref readonly var r = ref records[i];
            if (r.IsOptions)
            {
                continue;
            }

            VersionsSeen |= 1 << (r.Version & 31);
            if (!_sensor.Accepts(r, exporter))
            {
                FlowsFiltered++;
                continue;
            }

            var rate = _sensor.SamplingRateOf(r);
            var bytes = (double)r.Bytes * rate;
            var packets = (double)r.Packets * rate;
            var (start, end) = _sensor.Interval(r, nowSecond);
            var channel = _sensor.Channels.Classify(r, exporter);
            _series.Add(ChannelSet.TotalIndex, start, end, bytes, packets);
            _series.Add(channel, start, end, bytes, packets);
            _minutes.Add(ChannelSet.TotalIndex, start, end, bytes, packets);
            _minutes.Add(channel, start, end, bytes, packets);

            foreach (var (_, keyMaker, periods) in _toplists)
            {
                var n = keyMaker.KeysOf(r, keys);
                for (var k = 0; k < n; k++)
                {
                    periods.Running.Add(keys[k], (long)bytes, (long)packets);
                }
            }

            if (_tail.Active)
            {
                _tail.Add(r, exporter, now, rate);
            }

            FlowsAccepted++;
            Bytes += bytes;
            Packets += packets;
        }

        LastDataAt = now;
        return closed;
    }

    /// <summary>The running period of a toplist so far and its completed periods; the caller holds <see cref="Sync"/>.</summary>
    public (ToplistPeriodResult Running, IReadOnlyList<ToplistPeriodResult> Completed)? ReadToplist(int toplistId, int? count)
    {
        foreach (var (definition, _, periods) in _toplists)
        {
            if (definition.Id == toplistId)
            {
                return (periods.Snapshot(count ?? definition.Count), periods.Completed);
            }
        }

        return null;
    }

    /// <summary>Moves the window, the toplist periods and the minute rollups to <paramref name="nowSecond"/>; returns what closed, if anything. The caller holds <see cref="Sync"/>.</summary>
    public SensorAggregator.Closed? Advance(long nowSecond)
    {
        _series.Advance(nowSecond);
        SensorAggregator.Closed? closed = null;
        foreach (var (definition, _, periods) in _toplists)
        {
            if (periods.Roll(nowSecond) is { } result)
            {
                ((closed ??= new()).Periods ??= []).Add((definition, result));
            }
        }

        if (nowSecond != _lastMinuteCheck && _minutes.Close(nowSecond, _minuteGraceSeconds) is { } minutes)
        {
            (closed ??= new()).Minutes = ToRows(minutes);
        }

        _lastMinuteCheck = nowSecond;
        return closed;
    }

    /// <summary>Every open minute and the running toplist periods, emptied (graceful shutdown); the caller holds <see cref="Sync"/>.</summary>
    public (IReadOnlyList<ChannelMinute> Minutes, IReadOnlyList<(ToplistDefinition Definition, ToplistPeriodResult Result)> Periods) Drain(long nowSecond)
    {
        _series.Advance(nowSecond);
        var minutes = ToRows(_minutes.CloseAll());
        var periods = new List<(ToplistDefinition, ToplistPeriodResult)>();
        foreach (var (definition, _, running) in _toplists)
        {
            if (running.Running.TotalFlows > 0)
            {
                periods.Add((definition, running.Snapshot(definition.Count)));
                running.Running.Clear();
            }
        }

        return (minutes, periods);
    }

    private List<ChannelMinute> ToRows(List<(long Minute, double[] Values)> minutes)
    {
        var channels = _sensor.Channels.Channels;
        var rows = new List<ChannelMinute>(minutes.Count * channels.Count);
        foreach (var (minute, values) in minutes)
        {
            var start = DateTimeOffset.FromUnixTimeSeconds(minute);
            for (var c = 0; c < channels.Count; c++)
            {
                rows.Add(new ChannelMinute(_sensor.Id, channels[c].Id, start, MinuteRollup.Bytes(values, c), MinuteRollup.Packets(values, c),
                    MinuteRollup.Flows(values, c), _series.PeakBytesPerSecond(c, minute, minute + 59)));
            }
        }

        return rows;
    }
}
