using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FlowWeb.Core.Live;

/// <summary>
/// Builds a <see cref="LiveFrame"/> from every collector tick (once a second) and publishes it with one
/// <see cref="Volatile.Write{T}(ref T, T)"/>; then tells subscribed pages. Readers take <see cref="Current"/> and keep
/// it as long as they like: nothing in it changes. The receive threads' locks are taken only inside the tick (a
/// memory copy per sensor shard) and for the exporters' counters here, once per tick, whatever the number of readers.
/// </summary>
public sealed class LivePublisher(IServiceProvider services, LiveInterest interest) : IHostedService
{
    /// <summary>Seconds averaged for a channel's current value (complete seconds only).</summary>
    public const int CurrentValueSeconds = Aggregation.ArrivalWindow.Seconds;

    private static readonly TimeSpan KernelDropsEvery = TimeSpan.FromSeconds(5);

    private readonly Lock _subscribersSync = new();
    private readonly List<Action> _subscribers = [];
    private readonly Dictionary<FlowAddress, (DateTimeOffset At, long Errors)> _errorBaseline = [];
    private LiveFrame _current = LiveFrame.Empty;
    private TaskCompletionSource<LiveFrame> _next = NewSignal();
    private FlowCollector? _collector;
    private CollectorStatus? _status;
    private (DateTimeOffset At, IReadOnlyDictionary<int, long> Drops) _kernelDrops = (DateTimeOffset.MinValue, new Dictionary<int, long>());
    private long _lastFingerprint;

    /// <summary>The latest frame (<see cref="LiveFrame.Empty"/> before the first tick).</summary>
    public LiveFrame Current => Volatile.Read(ref _current);

    public int SubscriberCount
    {
        get
        {
            lock (_subscribersSync)
            {
                return _subscribers.Count;
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolved here rather than injected: options errors must all be reported at start-up, not thrown from a constructor.
        _collector = services.GetRequiredService<FlowCollector>();
        _status = services.GetRequiredService<CollectorStatus>();
        _collector.Interest = interest;
        _collector.Ticked += Publish;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_collector is not null)
        {
            _collector.Ticked -= Publish;
        }

        return Task.CompletedTask;
    }

    /// <summary>Calls <paramref name="onChange"/> (on the tick's thread; keep it short) after a frame in which anything moved, at most once a second. Dispose to stop.</summary>
    public IDisposable Subscribe(Action onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        lock (_subscribersSync)
        {
            _subscribers.Add(onChange);
        }

        return new Subscription(this, onChange);
    }

    /// <summary>The first frame published after this call (what a reader that must include everything received until now waits for).</summary>
    public async Task<LiveFrame> NextFrameAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var next = Volatile.Read(ref _next).Task;
        try
        {
            // Wall-clock time: the tick's pace is (see CollectorService), whatever clock the data is stamped with.
            return await next.WaitAsync(timeout, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // No tick in time (the collector is stopping, or not started): the latest frame is the best there is.
            return Current;
        }
    }

    private void Publish(CollectorTick tick)
    {
        var collector = _collector!;
        var (exporters, refused) = collector.ReadDecoder(d => (d.Exporters.Select(e => ExporterFrame.Of(e, d.IsProtected(e.Address))).ToList(), d.ExportersRefused));
        exporters = [.. exporters.Select(e => e with { ErrorsLastMinute = ErrorsLastMinute(e, tick.At) }).OrderBy(e => e.Address)];
        var byAddress = exporters.ToDictionary(e => e.Address);
        foreach (var gone in _errorBaseline.Keys.Where(a => !byAddress.ContainsKey(a)).ToList())
        {
            _errorBaseline.Remove(gone);
        }

        if (tick.At - _kernelDrops.At >= KernelDropsEvery)
        {
            _kernelDrops = (tick.At, collector.KernelDrops());
        }

        var previous = Current;
        var sensors = new Dictionary<Guid, SensorFrame>(tick.Sensors.Count);
        foreach (var reading in tick.Sensors)
        {
            sensors[reading.Definition.Id] = SensorFrames.Build(reading, previous.Sensor(reading.Definition.Id), collector.PortError(reading.Definition.Port), byAddress,
                collector.Decoder.Limits.RefusalOf);
        }

        interest.Retain(sensors.Keys);
        var listeners = collector.Listeners.Select(l => new ListenerFrame(l.Port, l.Datagrams, l.Unrouted, l.LockWaits.LongestLastMinute())).ToList();
        var frame = new LiveFrame(previous.Sequence + 1, tick.At, sensors, exporters, refused, _kernelDrops.Drops, listeners, _status!.DecoderFaults);
        Volatile.Write(ref _current, frame);
        Interlocked.Exchange(ref _next, NewSignal()).TrySetResult(frame);
        Notify(frame);
    }

    private void Notify(LiveFrame frame)
    {
        long fingerprint = frame.Sensors.Count;
        foreach (var s in frame.Sensors.Values)
        {
            fingerprint = (fingerprint * 31) + s.Snapshot.FlowsAccepted + s.Snapshot.FlowsFiltered;
        }

        foreach (var e in frame.Exporters)
        {
            fingerprint = (fingerprint * 31) + e.Datagrams;
        }

        // Pages also show "last seen" ages and states that change by time alone, so notify at least every 5 seconds.
        if (fingerprint == _lastFingerprint && frame.At.ToUnixTimeSeconds() % 5 != 0)
        {
            return;
        }

        _lastFingerprint = fingerprint;
        Action[] subscribers;
        lock (_subscribersSync)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var s in subscribers)
        {
            s();
        }
    }

    /// <summary>Decode errors of an exporter since a baseline taken about a minute ago.</summary>
    private long ErrorsLastMinute(ExporterFrame exporter, DateTimeOffset now)
    {
        if (!_errorBaseline.TryGetValue(exporter.Address, out var baseline) || now - baseline.At > TimeSpan.FromMinutes(2))
        {
            _errorBaseline[exporter.Address] = (now, exporter.DecodeErrors);
            return 0;
        }

        if (now - baseline.At > TimeSpan.FromMinutes(1))
        {
            _errorBaseline[exporter.Address] = (now, exporter.DecodeErrors);
        }

        return exporter.DecodeErrors - baseline.Errors;
    }

    private static TaskCompletionSource<LiveFrame> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Subscription(LivePublisher owner, Action callback) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._subscribersSync)
            {
                owner._subscribers.Remove(callback);
            }
        }
    }
}
