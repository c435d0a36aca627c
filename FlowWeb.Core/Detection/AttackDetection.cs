using System.Collections.Concurrent;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Detection;

/// <summary>Told of attacks as they start, go on (once a second) and end, on the detection tick: must only queue work.</summary>
public interface IAttackObserver
{
    void OnAttackStarted(AttackReport attack);

    void OnAttackUpdated(AttackReport attack);

    void OnAttackEnded(AttackReport attack);
}

/// <summary>
/// Attack detection for every running sensor: one <see cref="SensorDetector"/> per sensor (its shards go to the
/// sensor's receive threads), a tick once a second that evaluates them all, and what pages and the API read: the
/// ongoing attacks as immutable reports, replaced whole each tick, and a change notification.
/// </summary>
public sealed partial class AttackDetection
{
    private readonly ConcurrentDictionary<Guid, SensorDetector> _detectors = new();
    private readonly ConcurrentDictionary<long, Attack> _live = new();
    private readonly IOptions<DetectionOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AttackDetection> _logger;
    private readonly List<IAttackObserver> _observers = [];
    private readonly Lock _subscribersSync = new();
    private readonly List<Action> _subscribers = [];
    private readonly Lock _tickSync = new();
    private IReadOnlyList<AttackReport> _ongoing = [];
    private long _nextId = 1;
    private long _started;
    private long _ended;

    public AttackDetection(IOptions<DetectionOptions> options, TimeProvider time, ILogger<AttackDetection> logger)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Read at use, not here: start-up validation then reports every section's errors together.
        _options = options;
        _time = time;
        _logger = logger;
    }

    public DetectionOptions Options => _options.Value;

    /// <summary>Ongoing attacks of every sensor, newest first (a copy taken on the last tick).</summary>
    public IReadOnlyList<AttackReport> Ongoing => Volatile.Read(ref _ongoing);

    public long AttacksStarted => Interlocked.Read(ref _started);

    /// <summary>CPU time spent in <see cref="Tick"/> since start (merging the receive threads' seconds, judging keys, reports).</summary>
    public TimeSpan TickTime => TimeSpan.FromTicks(Interlocked.Read(ref _tickTime));

    private long _tickTime;

    public long AttacksEnded => Interlocked.Read(ref _ended);

    public IReadOnlyCollection<SensorDetector> Detectors => [.. _detectors.Values];

    public SensorDetector? Detector(Guid sensorId) => _detectors.GetValueOrDefault(sensorId);

    /// <summary>Logs an action on an ongoing attack (it shows in the next report); false when the attack is not ongoing.</summary>
    public bool TryAddAction(long attackId, AttackAction action) => _live.TryGetValue(attackId, out var attack) && attack.AddAction(action);

    /// <summary>Ids continue after the largest stored one (called once at start-up, before the first attack).</summary>
    public void ContinueIdsAfter(long largestStoredId) => Interlocked.Exchange(ref _nextId, Math.Max(Interlocked.Read(ref _nextId), largestStoredId + 1));

    public void AddObserver(IAttackObserver observer)
    {
        lock (_tickSync)
        {
            _observers.Add(observer);
        }
    }

    /// <summary>Calls <paramref name="onChange"/> (on the tick thread) when the ongoing attacks changed; dispose to stop.</summary>
    public IDisposable Subscribe(Action onChange)
    {
        lock (_subscribersSync)
        {
            _subscribers.Add(onChange);
        }

        return new Subscription(this, onChange);
    }

    /// <summary>
    /// The shard a (re)built sensor's receive path feeds, or null when detection is off for it. The sensor's
    /// detector, and any attack on it, carries on across rebuilds.
    /// </summary>
    public DetectionShard? ShardFor(SensorDefinition sensor, long nowSecond) => ShardsFor(sensor, 1, nowSecond)?[0];

    /// <summary>One shard per receive thread of the sensor (each used by that thread only).</summary>
    public IReadOnlyList<DetectionShard>? ShardsFor(SensorDefinition sensor, int count, long nowSecond)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        var detector = Configure(sensor);
        return detector.CreateShards(count, nowSecond);
    }

    /// <summary>Brings detectors in line with the running sensors: new settings applied, detectors of removed sensors dropped (their attacks end now).</summary>
    public void Apply(IEnumerable<SensorDefinition> running)
    {
        ArgumentNullException.ThrowIfNull(running);
        var ids = new HashSet<Guid>();
        foreach (var sensor in running)
        {
            ids.Add(sensor.Id);
            if (_detectors.ContainsKey(sensor.Id))
            {
                Configure(sensor);
            }
        }

        foreach (var id in _detectors.Keys.Where(id => !ids.Contains(id)).ToList())
        {
            if (_detectors.TryRemove(id, out var removed))
            {
                lock (_tickSync)
                {
                    EndAll(removed);
                }
            }
        }
    }

    private SensorDetector Configure(SensorDefinition sensor)
    {
        var config = new DetectionConfig(_options.Value, sensor.Detection);
        var detector = _detectors.GetOrAdd(sensor.Id, id => new SensorDetector(id, sensor.Name, config, _time, () => Interlocked.Increment(ref _nextId) - 1));
        detector.SensorName = sensor.Name;
        detector.Reconfigure(config);
        return detector;
    }

    /// <summary>Evaluates every detector up to the last complete second and tells observers and pages what changed.</summary>
    public void Tick()
    {
        lock (_tickSync)
        {
            var started = ThreadCpuTime.Now();
            try
            {
                TickLocked();
            }
            finally
            {
                Interlocked.Add(ref _tickTime, ThreadCpuTime.Now() - started);
            }
        }
    }

    private void TickLocked()
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var changed = false;
        var ongoing = new List<AttackReport>();
        foreach (var detector in _detectors.Values)
        {
            IReadOnlyList<AttackChange> changes;
            try
            {
                changes = detector.Tick(now);
            }
#pragma warning disable CA1031 // One sensor's failure must not stop detection for the others: logged, counted, next second.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogTickFailed(_logger, e, detector.SensorId);
                continue;
            }

            foreach (var change in changes)
            {
                changed = true;
                if (change.Ended)
                {
                    _live.TryRemove(change.Report.Id, out _);
                }

                Notify(change.Report, change.Started ? Phase.Started : Phase.Ended);
            }

            foreach (var attack in detector.OngoingAttacks)
            {
                _live.TryAdd(attack.Id, attack);
                var report = attack.Report();
                ongoing.Add(report);
                Notify(report, Phase.Updated);
            }
        }

        changed |= ongoing.Count > 0 || Volatile.Read(ref _ongoing).Count > 0;
        Volatile.Write(ref _ongoing, ongoing.OrderByDescending(a => a.Start).ThenByDescending(a => a.Id).ToList());
        if (changed)
        {
            Pulse();
        }
    }

    /// <summary>Ends every ongoing attack of a detector now (its sensor was removed or paused).</summary>
    private void EndAll(SensorDetector detector)
    {
        foreach (var attack in detector.OngoingAttacks.ToList())
        {
            attack.End = _time.GetUtcNow();
            _live.TryRemove(attack.Id, out _);
            Notify(attack.Report(), Phase.Ended);
        }
    }

    private enum Phase
    {
        Started,
        Updated,
        Ended,
    }

    private void Notify(AttackReport report, Phase phase)
    {
        if (phase == Phase.Started)
        {
            Interlocked.Increment(ref _started);
            LogStarted(_logger, report.Id, report.Headline, report.SensorName, report.PeakPacketsPerSecond, report.PeakBitsPerSecond);
        }
        else if (phase == Phase.Ended)
        {
            Interlocked.Increment(ref _ended);
            LogEnded(_logger, report.Id, report.Headline, (report.End ?? report.LastUpdate) - report.Start);
        }

        foreach (var observer in _observers)
        {
            try
            {
                switch (phase)
                {
                    case Phase.Started:
                        observer.OnAttackStarted(report);
                        break;
                    case Phase.Updated:
                        observer.OnAttackUpdated(report);
                        break;
                    default:
                        observer.OnAttackEnded(report);
                        break;
                }
            }
#pragma warning disable CA1031 // An observer's bug must not stop detection.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogObserverFailed(_logger, e, observer.GetType().Name);
            }
        }
    }

    private void Pulse()
    {
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

    private sealed class Subscription(AttackDetection owner, Action callback) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._subscribersSync)
            {
                owner._subscribers.Remove(callback);
            }
        }
    }

    [LoggerMessage(EventId = 130, Level = LogLevel.Warning, Message = "Attack {Id} started: {Headline} (sensor {Sensor}, {PacketsPerSecond:N0} packets/s, {BitsPerSecond:N0} bit/s)")]
    private static partial void LogStarted(ILogger logger, long id, string headline, string sensor, double packetsPerSecond, double bitsPerSecond);

    [LoggerMessage(EventId = 131, Level = LogLevel.Information, Message = "Attack {Id} ended: {Headline} after {Duration}")]
    private static partial void LogEnded(ILogger logger, long id, string headline, TimeSpan duration);

    [LoggerMessage(EventId = 132, Level = LogLevel.Error, Message = "Attack detection failed for sensor {SensorId} this second; it goes on with the next")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, Guid sensorId);

    [LoggerMessage(EventId = 133, Level = LogLevel.Error, Message = "An attack observer ({Observer}) failed")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, string observer);
}
