using FlowWeb.Core.Channels;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation;

/// <summary>
/// What one receive thread counts for a sensor: the per-second channel series, the minute rollups for history,
/// the toplists, the flow tail and the counters. It has one writer, its receive thread, and one other user, the
/// collector's once-a-second tick, which moves its clock, takes what closed and copies what the live frames need;
/// the lock between the two (<see cref="Sync"/>) is taken once per datagram by the writer and once a second by the
/// tick, for a memory copy. Nothing else reads a shard: pages read published frames.
/// </summary>
internal sealed class SensorShard
{
    private readonly SensorAggregator _sensor;
    private readonly ChannelSeries _series;
    private readonly ArrivalWindow _arrivals;
    private readonly MinuteRollup _minutes;
    private readonly long _minuteGraceSeconds;
    private readonly ToplistSet _toplists;
    private readonly IFlowObserver[] _observers;
    private readonly FlowTail _tail = new(FlowTailCapacity);

    // The accepted records of the datagram being booked, for the observers (grown to the largest datagram's record count).
    private int[] _accepted = new int[64];
    private uint[] _acceptedRates = new uint[64];

    // What closed since the last tick; the tick hands it to history (the receive thread never does history's work).
    private readonly List<(long Minute, double[] Values)> _closedMinutes = [];
    private readonly List<ToplistPeriodState> _closedPeriods = [];
    private long _lastMinuteCheck;
    private SensorCounters _counters;

    public const int FlowTailCapacity = 500;

    public SensorShard(SensorAggregator sensor, AggregationOptions options, IFlowObserver[] observers, long nowSecond)
    {
        _sensor = sensor;
        var definition = sensor.Definition;
        _series = new ChannelSeries(sensor.Channels.Channels.Count, options.LiveWindowSeconds, nowSecond);
        _arrivals = new ArrivalWindow(sensor.Channels.Channels.Count, nowSecond);
        _minutes = new MinuteRollup(sensor.Channels.Channels.Count);
        _minuteGraceSeconds = options.MinuteGraceSeconds;
        _toplists = new ToplistSet(definition.Toplists, options.ToplistCapacity, nowSecond, sensor.Enrichment, sensor.Memory);
        _observers = observers;
    }

    /// <summary>Taken by the writer for each datagram and by the tick once a second.</summary>
    public Lock Sync { get; } = new();

    /// <summary>The counters; the caller holds <see cref="Sync"/>.</summary>
    public SensorCounters Counters => _counters with { LateRecords = _series.LateRecords };

    /// <summary>Copies the series into <paramref name="copy"/>; the caller holds <see cref="Sync"/>.</summary>
    public void CopySeries(ChannelSeries copy) => copy.CopyFrom(_series);

    /// <summary>Books the data records of one decoded datagram; the caller holds <see cref="Sync"/>.</summary>
    public void Ingest(FlowBatch batch, DateTimeOffset now)
    {
        var nowSecond = now.ToUnixTimeSeconds();
        var exporter = batch.Exporter;
        Advance(nowSecond);
        var c = _counters;
        c = c with { Datagrams = c.Datagrams + 1 };
        long accepted = 0, filtered = 0;
        double totalBytes = 0, totalPackets = 0;
        var versions = c.VersionsSeen;
        var records = batch.Records;
        var observers = _observers;
        var toplists = _toplists.Begin(records);
        if (observers.Length != 0 && _accepted.Length < records.Length)
        {
            _accepted = new int[records.Length];
            _acceptedRates = new uint[records.Length];
        }

        for (var i = 0; i < records.Length; i++)
        {
            ref readonly var r = ref records[i];
            if (r.IsOptions)
            {
                continue;
            }

            versions |= 1 << (r.Version & 31);
            if (!_sensor.Accepts(r, exporter))
            {
                filtered++;
                continue;
            }

            var rate = _sensor.SamplingRateOf(r);
            var bytes = (double)r.Bytes * rate;
            var packets = (double)r.Packets * rate;
            var (start, end) = _sensor.Interval(r, nowSecond);
            var channel = _sensor.Channels.Classify(r, exporter, _sensor.Enrichment);
            _series.AddWithTotal(channel, start, end, bytes, packets);
            _minutes.AddWithTotal(channel, start, end, bytes, packets);
            _arrivals.AddWithTotal(channel, nowSecond, bytes, packets);

            toplists.Add(i, (long)bytes, (long)packets);

            if (_tail.Active)
            {
                _tail.Add(r, exporter, now, rate);
            }

            if (observers.Length != 0)
            {
                _accepted[accepted] = i;
                _acceptedRates[accepted] = rate;
            }

            accepted++;
            totalBytes += bytes;
            totalPackets += packets;
        }

        toplists.Flush();

        // Detection, alerts and the like: see IFlowObserver.
        if (observers.Length != 0 && accepted != 0)
        {
            var observed = new ObservedBatch(records, _accepted.AsSpan(0, (int)accepted), _acceptedRates.AsSpan(0, (int)accepted), exporter, nowSecond);
            foreach (var observer in observers)
            {
                observer.OnBatch(observed);
            }
        }

        _counters = c with
        {
            FlowsAccepted = c.FlowsAccepted + accepted,
            FlowsFiltered = c.FlowsFiltered + filtered,
            Bytes = c.Bytes + totalBytes,
            Packets = c.Packets + totalPackets,
            LastDataAt = now,
            VersionsSeen = versions,
        };
    }

    /// <summary>Records the flow tail from now on (until a visit without interest); the caller holds <see cref="Sync"/>.</summary>
    public void StartTail() => _tail.Active = true;

    /// <summary>
    /// The tick's visit, under <see cref="Sync"/>: moves the clock on, copies the series into <paramref name="series"/>,
    /// reads the counters, the tail and the toplists' running periods as asked, and takes what closed since the last visit.
    /// </summary>
    public ShardVisit Visit(long nowSecond, SensorInterest interest, ChannelSeries series)
    {
        Advance(nowSecond);
        foreach (var observer in _observers)
        {
            observer.OnTick(nowSecond);
        }

        series.CopyFrom(_series);
        _tail.Active = interest.Tail;
        var visit = new ShardVisit
        {
            Counters = Counters,
            Arrivals = _arrivals.Read(nowSecond),
            Tail = interest.Tail ? _tail.Latest(FlowTailCapacity) : null,
            Running = new ToplistPeriodState[_toplists.Definitions.Count],
        };

        if (_closedMinutes.Count > 0)
        {
            visit.ClosedMinutes = [.. _closedMinutes];
            _closedMinutes.Clear();
        }

        if (_closedPeriods.Count > 0)
        {
            visit.ClosedPeriods = [.. _closedPeriods];
            _closedPeriods.Clear();
        }

        return visit;
    }

    /// <summary>
    /// The tick's reading of the running period of toplist number <paramref name="index"/>: without rows asked for, the
    /// period's start and totals only (no scan), unless the table is tiny. The caller holds <see cref="Sync"/>, for
    /// this one toplist (a scan of a large table takes milliseconds; six in one hold made the receive thread wait for all).
    /// </summary>
    public ToplistPeriodState ReadRunning(int index, SensorInterest interest) =>
        _toplists.RunningSummary(_toplists.Definitions[index].Id, interest.ToplistRows, interest.ToplistRowsWatched)!;

    /// <summary>The running period of a toplist with its <paramref name="count"/> best rows (tests and benchmarks); the caller holds <see cref="Sync"/>.</summary>
    public ToplistPeriodState? RunningToplist(int toplistId, int count) => _toplists.RunningSummary(toplistId, count);

    /// <summary>
    /// Everything still open, emptied (graceful shutdown): what closed and was not taken yet, every open minute and
    /// the running toplist periods that counted anything. The caller holds <see cref="Sync"/>.
    /// </summary>
    public ShardVisit Drain(long nowSecond, ChannelSeries series)
    {
        _series.Advance(nowSecond);
        series.CopyFrom(_series);
        _closedMinutes.AddRange(_minutes.CloseAll());
        var visit = new ShardVisit
        {
            Counters = Counters, ClosedMinutes = [.. _closedMinutes], ClosedPeriods = [.. _closedPeriods], Drained = _toplists.Drain(nowSecond),
        };
        _closedMinutes.Clear();
        _closedPeriods.Clear();
        return visit;
    }

    /// <summary>Moves the window, the toplist periods and the minute rollups to <paramref name="nowSecond"/>, keeping what closed for the tick.</summary>
    private void Advance(long nowSecond)
    {
        _series.Advance(nowSecond);
        if (_toplists.Roll(nowSecond) is { } closed)
        {
            _closedPeriods.AddRange(closed);
        }

        if (nowSecond != _lastMinuteCheck && _minutes.Close(nowSecond, _minuteGraceSeconds) is { } minutes)
        {
            _closedMinutes.AddRange(minutes);
        }

        _lastMinuteCheck = nowSecond;
    }
}

/// <summary>What one tick took from one shard.</summary>
internal sealed class ShardVisit
{
    public SensorCounters Counters;

    /// <summary>What arrived over the last seconds (the current rate); null on a drain.</summary>
    public ArrivalTotals? Arrivals;
    public List<TailedFlow>? Tail;
    public ToplistPeriodState[] Running = [];
    public List<(long Minute, double[] Values)>? ClosedMinutes;
    public List<ToplistPeriodState>? ClosedPeriods;

    /// <summary>Running periods handed over at a graceful shutdown.</summary>
    public List<ToplistPeriodState>? Drained;
}
