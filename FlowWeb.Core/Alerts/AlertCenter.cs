using FlowWeb.Core.Sensors;
using System.Threading.Channels;

namespace FlowWeb.Core.Alerts;

/// <summary>What the alert writer persists: an event to insert and/or the new state of an alarm (null = delete).</summary>
internal readonly record struct AlertWrite(AlertEvent? Event, string AlarmKey, Alarm? Alarm, bool AlarmChanged);

/// <summary>
/// Active alarms in memory (loaded from the database at start-up) and the log's write queue. Raising is cheap
/// and thread-safe: one short lock, a queue write, the listeners (notification rules) and a change signal for
/// pages. Event ids are given here, so an event has its id before it reaches the database.
/// </summary>
public sealed class AlertCenter : IAlertSink
{
    private readonly TimeProvider _time;
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Alarm> _active = new(StringComparer.Ordinal);
    private readonly Channel<AlertWrite> _queue;
    private readonly List<IAlertListener> _listeners = [];
    private readonly List<Action> _subscribers = [];
    private long _nextId = 1;
    private long _dropped;
    private long _recorded;
    private long _ignoredClears;
    private IReadOnlyList<Alarm>? _snapshot;

    public AlertCenter(TimeProvider time, int queueCapacity = 10_000)
    {
        _time = time;
        _queue = Channel.CreateBounded<AlertWrite>(new BoundedChannelOptions(queueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the drop is counted, the caller never waits.
        });
    }

    internal ChannelReader<AlertWrite> Writes => _queue.Reader;

    /// <summary>Events dropped because the write queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public long Recorded => Interlocked.Read(ref _recorded);

    /// <summary>Clears that found no active alarm (a subsystem's clear after a restart, or twice).</summary>
    public long IgnoredClears => Interlocked.Read(ref _ignoredClears);

    public int QueueLength => _queue.Reader.Count;

    public void AddListener(IAlertListener listener)
    {
        lock (_sync)
        {
            _listeners.Add(listener);
        }
    }

    /// <summary>Called once at start-up with what the database holds.</summary>
    internal void Load(long maxEventId, IEnumerable<Alarm> active)
    {
        lock (_sync)
        {
            _nextId = Math.Max(_nextId, maxEventId + 1);
            foreach (var alarm in active)
            {
                _active[alarm.Key] = alarm;
            }

            _snapshot = null;
        }
    }

    /// <summary>Active alarms, unacknowledged first, then by severity and start (newest first).</summary>
    public IReadOnlyList<Alarm> ActiveAlarms()
    {
        lock (_sync)
        {
            return _snapshot ??= [.. _active.Values
                .OrderBy(a => a.IsAcknowledged)
                .ThenByDescending(a => a.Severity)
                .ThenByDescending(a => a.StartedAt)];
        }
    }

    public Alarm? ActiveAlarm(string key)
    {
        lock (_sync)
        {
            return _active.GetValueOrDefault(key);
        }
    }

    /// <summary>Active alarms not yet acknowledged (the count in the app bar).</summary>
    public int UnacknowledgedCount => ActiveAlarms().Count(a => !a.IsAcknowledged);

    /// <summary>Calls <paramref name="onChange"/> after every recorded event or acknowledgement (on the raising thread). Dispose to stop.</summary>
    public IDisposable Subscribe(Action onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        lock (_sync)
        {
            _subscribers.Add(onChange);
        }

        return new Subscription(this, onChange);
    }

    public AlertEvent? Raise(AlertSignal signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        signal = signal.Bounded();
        AlertEvent? recorded;
        Alarm? after;
        IAlertListener[] listeners;
        lock (_sync)
        {
            var now = _time.GetUtcNow();
            _active.TryGetValue(signal.Key, out var before);
            switch (signal.Phase)
            {
                case AlertPhase.Started when before is null:
                    after = new Alarm(signal.Key, signal.Kind, signal.Severity, signal.Source, signal.Subject, signal.Message, signal.SensorId,
                        signal.DeviceId, now, now, signal.Values, signal.Details, null);
                    recorded = NewEvent(now, signal);
                    break;
                case AlertPhase.Started:
                    // Still active: the values move on quietly; a change of severity is an event of its own, and an
                    // acknowledgement does not cover a condition that got worse.
                    var escalated = signal.Severity > before.Severity;
                    after = before with
                    {
                        Severity = signal.Severity,
                        Message = signal.Message,
                        Values = signal.Values,
                        Details = signal.Details,
                        UpdatedAt = now,
                        Acknowledged = escalated ? null : before.Acknowledged,
                    };
                    var stateChanged = signal.Details.GetValueOrDefault(AlertSignal.StateDetail) != before.Details.GetValueOrDefault(AlertSignal.StateDetail);
                    recorded = signal.Severity != before.Severity || stateChanged ? NewEvent(now, signal) : null;
                    break;
                case AlertPhase.Cleared when before is null:
                    Interlocked.Increment(ref _ignoredClears);
                    return null;
                case AlertPhase.Cleared:
                    after = null;
                    recorded = NewEvent(now, signal with
                    {
                        Kind = before.Kind,
                        Subject = signal.Subject.Length > 0 ? signal.Subject : before.Subject,
                        SensorId = signal.SensorId ?? before.SensorId,
                        DeviceId = signal.DeviceId ?? before.DeviceId,
                    });
                    break;
                default:
                    after = null;
                    recorded = NewEvent(now, signal);
                    break;
            }

            if (signal.Phase != AlertPhase.Event)
            {
                if (after is null)
                {
                    _active.Remove(signal.Key);
                }
                else
                {
                    _active[signal.Key] = after;
                }

                _snapshot = null;
            }

            if (recorded is null)
            {
                // A quiet update (same severity and state, new values): memory only, nothing to log or tell.
                return null;
            }

            Enqueue(new AlertWrite(recorded, signal.Key, after, signal.Phase != AlertPhase.Event));
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
        {
            listener.OnAlert(recorded, after);
        }

        NotifySubscribers();
        return recorded;
    }

    /// <summary>
    /// Acknowledges an active alarm: it stays in the list (marked) until it clears, and notification rules stop
    /// repeating it. Recorded in the audit log (<c>alarm.acknowledge</c>, with the acknowledgement before and after)
    /// here, so the page, the API and any later caller record it alike. Null when no such alarm is active.
    /// </summary>
    public async Task<Alarm?> AcknowledgeAsync(string key, string by, string comment, IChangeAudit audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        if (Acknowledge(key, by, comment) is not { } change)
        {
            return null;
        }

        var (before, after) = change;

        await audit.RecordAsync("alarm.acknowledge", $"{after.Subject}: {after.Message} ({after.Key})", before.Acknowledged, after.Acknowledged, cancellationToken)
            .ConfigureAwait(false);
        return after;
    }

    private (Alarm Before, Alarm After)? Acknowledge(string key, string by, string comment)
    {
        ArgumentNullException.ThrowIfNull(key);
        AlertEvent recorded;
        Alarm before;
        Alarm after;
        IAlertListener[] listeners;
        lock (_sync)
        {
            if (!_active.TryGetValue(key, out var found))
            {
                return null;
            }

            before = found;

            var now = _time.GetUtcNow();
            by = string.IsNullOrWhiteSpace(by) ? "user" : by.Trim();
            comment = (comment ?? "").Trim();
            after = before with { Acknowledged = new AlarmAcknowledgement(now, Cut(by, 100), Cut(comment, 1000)) };
            _active[key] = after;
            _snapshot = null;
            recorded = NewEvent(now, new AlertSignal
            {
                Key = key,
                Phase = AlertPhase.Acknowledged,
                Kind = before.Kind,
                Severity = AlertSeverity.Info,
                Source = "user",
                Subject = before.Subject,
                Message = comment.Length > 0 ? $"Acknowledged by {after.Acknowledged!.By}: {after.Acknowledged.Comment}" : $"Acknowledged by {after.Acknowledged!.By}",
                SensorId = before.SensorId,
                DeviceId = before.DeviceId,
            });
            Enqueue(new AlertWrite(recorded, key, after, true));
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
        {
            listener.OnAlert(recorded, after);
        }

        NotifySubscribers();
        return (before, after);
    }

    private AlertEvent NewEvent(DateTimeOffset now, AlertSignal s)
    {
        Interlocked.Increment(ref _recorded);
        return new AlertEvent(_nextId++, now, s.Phase, s.Kind, s.Severity, s.Source, s.Key, s.Subject, s.Message, s.SensorId, s.DeviceId, s.Values, s.Details);
    }

    private void Enqueue(AlertWrite write)
    {
        if (!_queue.Writer.TryWrite(write))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private void NotifySubscribers()
    {
        Action[] subscribers;
        lock (_sync)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var s in subscribers)
        {
            s();
        }
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];

    private sealed class Subscription(AlertCenter owner, Action callback) : IDisposable
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
