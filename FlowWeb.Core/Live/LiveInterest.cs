using FlowWeb.Core.Aggregation;

namespace FlowWeb.Core.Live;

/// <summary>
/// What readers watch, so that the collector's tick reads only that: the length of per-second series, flow tails and
/// toplist rows, per sensor. Every read of a page or an API call renews a lease on what it read; a lease ends
/// <see cref="LeaseTime"/> after its last renewal, so a closed page stops costing anything within seconds without
/// having to say so. Toplist rows are read at most every <see cref="ToplistRefresh"/> (they are a table scan of the
/// running period) unless more rows are wanted than the last read had; a table of a few thousand slots is read every
/// tick instead (<see cref="SensorInterest.ToplistRowsWatched"/>: scanning it costs next to nothing). The cost of a watched sensor is per sensor:
/// fifty pages on one sensor cost the tick what one does.
/// </summary>
public sealed class LiveInterest(TimeProvider time) : ISensorInterest
{
    public static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan ToplistRefresh = TimeSpan.FromSeconds(3);

    private readonly Lock _sync = new();
    private readonly Dictionary<Guid, Lease> _leases = [];
    private (int Seconds, long Until) _allSeries;

    private sealed class Lease
    {
        public int SeriesSeconds;
        public long SeriesUntil;
        public long TailUntil;
        public int ToplistRows;
        public long ToplistsUntil;
        public long ToplistsReadAt;
        public int ToplistRowsRead;

        public bool Expired(long now) => SeriesUntil <= now && TailUntil <= now && ToplistsUntil <= now;
    }

    /// <summary>Series of <paramref name="seconds"/> seconds for one sensor.</summary>
    public void WatchSeries(Guid sensor, int seconds)
    {
        lock (_sync)
        {
            var lease = LeaseOf(sensor);
            var until = Until();
            lease.SeriesSeconds = lease.SeriesUntil > Now() ? Math.Max(lease.SeriesSeconds, seconds) : seconds;
            lease.SeriesUntil = until;
        }
    }

    /// <summary>Series of <paramref name="seconds"/> seconds for every sensor (the devices page's sparklines).</summary>
    public void WatchAllSeries(int seconds)
    {
        lock (_sync)
        {
            _allSeries = (_allSeries.Until > Now() ? Math.Max(_allSeries.Seconds, seconds) : seconds, Until());
        }
    }

    /// <summary>Keeps a sensor's flow tail recorded; true when nobody watched it before (the caller starts it at once).</summary>
    public bool WatchTail(Guid sensor)
    {
        lock (_sync)
        {
            var lease = LeaseOf(sensor);
            var started = lease.TailUntil <= Now();
            lease.TailUntil = Until();
            return started;
        }
    }

    /// <summary>The top <paramref name="rows"/> rows of every toplist of a sensor.</summary>
    public void WatchToplists(Guid sensor, int rows)
    {
        lock (_sync)
        {
            var lease = LeaseOf(sensor);
            lease.ToplistRows = lease.ToplistsUntil > Now() ? Math.Max(lease.ToplistRows, rows) : rows;
            lease.ToplistsUntil = Until();
        }
    }

    public SensorInterest For(SensorAggregator sensor, long nowSecond)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        var now = Now();
        lock (_sync)
        {
            var series = Math.Max(SensorInterest.Minimal.SeriesSeconds, _allSeries.Until > now ? _allSeries.Seconds : 0);
            if (!_leases.TryGetValue(sensor.Id, out var lease))
            {
                return SensorInterest.Minimal with { SeriesSeconds = series };
            }

            if (lease.Expired(now))
            {
                _leases.Remove(sensor.Id);
                return SensorInterest.Minimal with { SeriesSeconds = series };
            }

            var rows = 0;
            if (lease.ToplistsUntil > now && (now - lease.ToplistsReadAt >= ToplistRefresh.Ticks || lease.ToplistRows > lease.ToplistRowsRead))
            {
                rows = lease.ToplistRows;
                lease.ToplistsReadAt = now;
                lease.ToplistRowsRead = rows;
            }

            return new SensorInterest(
                lease.SeriesUntil > now ? Math.Max(series, lease.SeriesSeconds) : series,
                lease.TailUntil > now,
                rows,
                lease.ToplistsUntil > now ? lease.ToplistRows : 0);
        }
    }

    /// <summary>Forgets leases of sensors that no longer run (called by the publisher with the running ones).</summary>
    internal void Retain(IReadOnlyCollection<Guid> running)
    {
        lock (_sync)
        {
            foreach (var id in _leases.Keys.Where(id => !running.Contains(id)).ToList())
            {
                _leases.Remove(id);
            }
        }
    }

    private Lease LeaseOf(Guid sensor)
    {
        if (!_leases.TryGetValue(sensor, out var lease))
        {
            lease = new Lease();
            _leases[sensor] = lease;
        }

        return lease;
    }

    private long Now() => time.GetUtcNow().UtcTicks;

    private long Until() => Now() + LeaseTime.Ticks;
}
