using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Sensors;

/// <summary>A channel's current value: the mean of the last few complete seconds.</summary>
public sealed record ChannelValue(int ChannelId, string Name, string? Unit, double BitsPerSecond, double PacketsPerSecond, double FlowsPerSecond);

/// <summary>What a page shows of a sensor right now.</summary>
public sealed record SensorLiveSnapshot(
    SensorDefinition Definition,
    SensorStatus Status,
    IReadOnlyList<ChannelValue> Channels,
    DateTimeOffset? LastDataAt,
    long FlowsAccepted,
    long FlowsFiltered,
    double Bytes,
    double Packets);

/// <summary>How well an exporter's datagrams decode: a copy of the decoder's counters taken at one moment, safe to keep and render.</summary>
public sealed record ExporterHealth(
    FlowAddress Address,
    int Version,
    long Datagrams,
    long Flows,
    int TemplatesKnown,
    int PendingSets,
    long PendingBytes,
    long RecordsDecodedFromPending,
    long DecodeErrors,
    IReadOnlyDictionary<DecodeStatus, long> ErrorsByReason,
    long LostFlowsEstimate,
    long Reordered,
    long SequenceResets,
    uint LastSamplingRate,
    long SamplingByteSwapped,
    long ImplausibleRecords,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen);

/// <summary>
/// The live view of the collector for pages and the API: snapshots of sensors (state, current channel values),
/// their per-second series and toplists, and a change notification at most once a second. Pages subscribe and
/// dispose their subscription; nothing here reads the database.
/// </summary>
public sealed class SensorLiveState(FlowCollector collector, SensorService sensors, TimeProvider time, IEnumerable<ISensorStatusOverlay> overlays)
{
    /// <summary>Seconds averaged for a channel's current value (complete seconds only).</summary>
    public const int CurrentValueSeconds = 5;

    private readonly Lock _sync = new();
    private readonly List<Action> _subscribers = [];
    private readonly Dictionary<FlowAddress, (DateTimeOffset At, long Errors)> _errorBaseline = [];
    private long _lastFingerprint;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Calls <paramref name="onChange"/> (on a timer thread) when sensors got data or changed, at most once a second. Dispose to stop.</summary>
    public IDisposable Subscribe(Action onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        lock (_sync)
        {
            _subscribers.Add(onChange);
        }

        return new Subscription(this, onChange);
    }

    public int SubscriberCount
    {
        get
        {
            lock (_sync)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>Called every second by the collector service: notifies subscribers when anything moved.</summary>
    public void Pulse()
    {
        long fingerprint = collector.Sensors.Count;
        foreach (var s in collector.Sensors)
        {
            fingerprint = (fingerprint * 31) + s.Datagrams + (s.LastDataAt?.ToUnixTimeSeconds() ?? 0);
        }

        fingerprint = (fingerprint * 31) + collector.ReadDecoder(d => d.Exporters.Sum(e => e.Datagrams));
        Action[] subscribers;
        lock (_sync)
        {
            // Pages also show "last seen" ages and status changes by time alone, so notify at least every 5 seconds.
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            if (fingerprint == _lastFingerprint && now % 5 != 0)
            {
                return;
            }

            _lastFingerprint = fingerprint;
            subscribers = [.. _subscribers];
        }

        foreach (var s in subscribers)
        {
            s();
        }
    }

    public async Task<IReadOnlyList<SensorLiveSnapshot>> SnapshotsAsync(CancellationToken cancellationToken = default)
    {
        var definitions = await sensors.ListSensorsAsync(cancellationToken).ConfigureAwait(false);
        return [.. definitions.Select(Snapshot)];
    }

    public async Task<SensorLiveSnapshot?> SnapshotAsync(Guid id, CancellationToken cancellationToken = default) =>
        await sensors.GetSensorAsync(id, cancellationToken).ConfigureAwait(false) is { } d ? Snapshot(d) : null;

    /// <summary>Per-second channel values of a running sensor for the last <paramref name="seconds"/> seconds.</summary>
    public ChannelSnapshot? Series(Guid id, int seconds) => collector.Sensor(id)?.ReadChannels(seconds, time.GetUtcNow());

    /// <summary>A toplist's running period and its completed periods in memory.</summary>
    public (ToplistPeriodResult Running, IReadOnlyList<ToplistPeriodResult> Completed)? Toplist(Guid id, int toplistId, int? count = null) =>
        collector.Sensor(id)?.ReadToplist(toplistId, count);

    /// <summary>The UDP port the collector always listens on (where unknown exporters are discovered).</summary>
    public int DefaultPort => collector.DefaultPort;

    /// <summary>Starts keeping a running sensor's last accepted records for a flow tail (null when the sensor is not running); dispose to stop.</summary>
    public IDisposable? WatchTail(Guid id) => collector.Sensor(id)?.WatchTail();

    /// <summary>The newest records a watched sensor accepted, newest first.</summary>
    public IReadOnlyList<TailedFlow> Tail(Guid id, int count) => collector.Sensor(id)?.Tail(count) ?? [];

    /// <summary>Decoding health of one exporter, or null when it never sent anything.</summary>
    public ExporterHealth? Exporter(FlowAddress address) =>
        collector.ReadDecoder(d => d.StatisticsOf(address) is { } s ? Health(s) : null);

    /// <summary>Decoding health of every exporter heard from, by address.</summary>
    public IReadOnlyList<ExporterHealth> Exporters() =>
        collector.ReadDecoder(d => d.Exporters.Select(Health).OrderBy(e => e.Address).ToList());

    private static ExporterHealth Health(ExporterStatistics s) => new(
        s.Address, s.Version, s.Datagrams, s.Flows, s.TemplatesKnown, s.PendingSets, s.PendingBytes, s.RecordsDecodedFromPending,
        s.DecodeErrors, s.ErrorsByReason(), s.LostFlowsEstimate, s.Reordered, s.SequenceResets, s.LastSamplingRate,
        s.SamplingByteSwapped, s.ImplausibleRecords, s.FirstSeen, s.LastSeen);

    public SensorLiveSnapshot Snapshot(SensorDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var now = time.GetUtcNow();
        var runtime = collector.Sensor(definition.Id);
        var exporter = FlowAddress.TryParse(definition.SenderIp?.Trim(), out var sender) ? collector.ReadDecoder(d => d.StatisticsOf(sender)) : null;
        var status = SensorStatusEvaluator.Evaluate(definition, runtime, collector.PortError(definition.Port), exporter,
            exporter is null ? 0 : ErrorsLastMinute(exporter.Address, exporter.DecodeErrors, now), now);
        status = overlays.Aggregate(status, (current, overlay) => overlay.Apply(definition, current));
        var channels = runtime is null ? [] : CurrentValues(runtime, now);
        return new SensorLiveSnapshot(definition, status, channels, runtime?.LastDataAt, runtime?.FlowsAccepted ?? 0,
            runtime?.FlowsFiltered ?? 0, runtime?.Bytes ?? 0, runtime?.Packets ?? 0);
    }

    private static List<ChannelValue> CurrentValues(SensorRuntime runtime, DateTimeOffset now)
    {
        // The current second is still filling up; average the complete seconds before it.
        var series = runtime.ReadChannels(CurrentValueSeconds + 1, now);
        var result = new List<ChannelValue>(runtime.Channels.Channels.Count);
        for (var c = 0; c < runtime.Channels.Channels.Count; c++)
        {
            var info = runtime.Channels.Channels[c];
            result.Add(new ChannelValue(info.Id, info.Name, info.Unit,
                Mean(series.BytesPerSecond[c]) * 8, Mean(series.PacketsPerSecond[c]), Mean(series.FlowsPerSecond[c])));
        }

        return result;
    }

    private static double Mean(double[] perSecond) => perSecond.Length <= 1 ? 0 : perSecond[..^1].Average();

    /// <summary>Decode errors of an exporter since a baseline taken about a minute ago.</summary>
    private long ErrorsLastMinute(FlowAddress exporter, long errorsNow, DateTimeOffset now)
    {
        lock (_sync)
        {
            if (!_errorBaseline.TryGetValue(exporter, out var baseline) || now - baseline.At > TimeSpan.FromMinutes(2))
            {
                _errorBaseline[exporter] = (now, errorsNow);
                return 0;
            }

            if (now - baseline.At > TimeSpan.FromMinutes(1))
            {
                _errorBaseline[exporter] = (now, errorsNow);
            }

            return errorsNow - baseline.Errors;
        }
    }

    private sealed class Subscription(SensorLiveState owner, Action callback) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._sync)
            {
                owner._subscribers.Remove(callback);
            }
        }
    }
}
