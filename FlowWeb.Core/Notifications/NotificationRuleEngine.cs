using System.Threading.Channels;
using FlowWeb.Core.Alerts;

namespace FlowWeb.Core.Notifications;

/// <summary>Where the rule engine hands messages: the dispatcher, which delivers them with retries.</summary>
public interface INotificationOutbox
{
    /// <param name="exceptChannel">A channel not to use (the one whose failure the message reports).</param>
    void Send(NotificationRuleDefinition rule, NotificationMessage message, Guid? exceptChannel);
}

/// <summary>
/// Turns events into messages by the rules: a started alarm notifies after the rule's delay if it is still active
/// and not acknowledged, again every repeat interval while it lasts unacknowledged, and with an all-clear when it
/// clears (only if it was notified); a standalone event notifies at once; an acknowledgement stops what is pending.
/// Each rule sends at most <see cref="NotificationRuleDefinition.MaxPerHour"/> messages in any hour; what it held
/// back goes out as one summary once the hour allows. Driven by <see cref="ProcessAsync"/> (every second and when
/// events arrive); all state is touched on that one caller's thread, events arrive through a bounded queue.
/// </summary>
public sealed class NotificationRuleEngine : IAlertListener
{
    private const int MaxSummaryTitles = 20;
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly Func<IReadOnlyList<NotificationRuleDefinition>> _rules;
    private readonly Func<Guid, CancellationToken, Task<IReadOnlyCollection<string>>> _sensorTags;
    private readonly Func<string, Alarm?> _activeAlarm;
    private readonly INotificationOutbox _outbox;
    private readonly TimeProvider _time;
    private readonly Channel<(AlertEvent Event, Alarm? Alarm)> _incoming =
        Channel.CreateBounded<(AlertEvent, Alarm?)>(new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Dictionary<(Guid Rule, string Key), Tracking> _tracked = [];
    private readonly Dictionary<Guid, Queue<DateTimeOffset>> _sent = [];
    private readonly Dictionary<Guid, (int Count, List<string> Titles)> _suppressed = [];
    private long _dropped;
    private long _suppressedTotal;

    public NotificationRuleEngine(
        Func<IReadOnlyList<NotificationRuleDefinition>> rules,
        Func<Guid, CancellationToken, Task<IReadOnlyCollection<string>>> sensorTags,
        Func<string, Alarm?> activeAlarm,
        INotificationOutbox outbox,
        TimeProvider time)
    {
        _rules = rules;
        _sensorTags = sensorTags;
        _activeAlarm = activeAlarm;
        _outbox = outbox;
        _time = time;
    }

    /// <summary>Events not considered because the engine's queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Messages the hourly limits held back (each summarised later).</summary>
    public long Suppressed => Interlocked.Read(ref _suppressedTotal);

    internal ChannelReader<(AlertEvent Event, Alarm? Alarm)> Incoming => _incoming.Reader;

    /// <summary>The clock's time at the end of the last pass (tests wait for a pass at a time they set).</summary>
    public DateTimeOffset LastPassAt { get; private set; }

    public void OnAlert(AlertEvent alert, Alarm? alarm)
    {
        if (!_incoming.Writer.TryWrite((alert, alarm)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Handles the queued events, then whatever is due (delays, repeats, summaries).</summary>
    public async Task ProcessAsync(CancellationToken cancellationToken = default)
    {
        var rules = _rules().Where(r => r.Enabled).ToList();
        while (_incoming.Reader.TryRead(out var item))
        {
            await HandleAsync(item.Event, item.Alarm, rules, cancellationToken).ConfigureAwait(false);
        }

        var now = _time.GetUtcNow();
        foreach (var ((ruleId, key), tracking) in _tracked.Where(t => !t.Value.Acknowledged && t.Value.DueAt <= now).ToList())
        {
            var rule = rules.FirstOrDefault(r => r.Id == ruleId);
            var alarm = _activeAlarm(key);
            if (rule is null || alarm is null)
            {
                _tracked.Remove((ruleId, key));
                continue;
            }

            if (alarm.IsAcknowledged)
            {
                tracking.Acknowledged = true;
                continue;
            }

            var type = tracking.Sent && !tracking.Escalated ? NotificationType.Repeat : NotificationType.Alarm;
            Send(rule, NotificationMessage.For(type, tracking.Event, alarm, rule.Name, now), null);
            tracking.Sent = true;
            tracking.Escalated = false;
            tracking.DueAt = rule.RepeatMinutes > 0 ? now.AddMinutes(rule.RepeatMinutes) : DateTimeOffset.MaxValue;
        }

        SendSummaries(rules, now);
        LastPassAt = now;
    }

    private async Task HandleAsync(AlertEvent alert, Alarm? alarm, List<NotificationRuleDefinition> rules, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        switch (alert.Phase)
        {
            case AlertPhase.Started:
                var tags = alert.SensorId is { } sensor ? await _sensorTags(sensor, cancellationToken).ConfigureAwait(false) : [];

                // An alarm that changed into something a rule does not ask for (Down to Warning under a Down-only rule)
                // is over for that rule: all-clear if it was told.
                foreach (var ((ruleId, key), tracking) in _tracked.Where(t => t.Key.Key == alert.Key).ToList())
                {
                    if (rules.FirstOrDefault(r => r.Id == ruleId) is { } tracked && !tracked.Matches(alert, tags))
                    {
                        _tracked.Remove((ruleId, key));
                        if (tracking.Sent && tracked.NotifyOnClear)
                        {
                            Send(tracked, NotificationMessage.For(NotificationType.Cleared, alert, null, tracked.Name, now), null);
                        }
                    }
                }

                foreach (var rule in rules.Where(r => r.Matches(alert, tags)))
                {
                    if (!_tracked.TryGetValue((rule.Id, alert.Key), out var tracking))
                    {
                        _tracked[(rule.Id, alert.Key)] = new Tracking(alert, alert.At.AddSeconds(rule.DelaySeconds));
                    }
                    else if (alert.Severity > tracking.Event.Severity && tracking.Sent)
                    {
                        // Worse than what was sent: say so now, then repeat from here.
                        tracking.Event = alert;
                        tracking.Acknowledged = false;
                        tracking.Escalated = true;
                        tracking.DueAt = now;
                    }
                    else
                    {
                        tracking.Event = alert;
                    }
                }

                break;
            case AlertPhase.Cleared:
                foreach (var ((ruleId, key), tracking) in _tracked.Where(t => t.Key.Key == alert.Key).ToList())
                {
                    _tracked.Remove((ruleId, key));
                    if (tracking.Sent && rules.FirstOrDefault(r => r.Id == ruleId) is { NotifyOnClear: true } rule)
                    {
                        Send(rule, NotificationMessage.For(NotificationType.Cleared, alert, null, rule.Name, now), null);
                    }
                }

                break;
            case AlertPhase.Acknowledged:
                foreach (var tracking in _tracked.Where(t => t.Key.Key == alert.Key).Select(t => t.Value))
                {
                    tracking.Acknowledged = true;
                }

                break;
            default:
                var eventTags = alert.SensorId is { } s ? await _sensorTags(s, cancellationToken).ConfigureAwait(false) : [];
                Guid? except = alert.Kind == AlertKind.Notification && alert.Details.TryGetValue("channelId", out var c) && Guid.TryParse(c, out var id) ? id : null;
                foreach (var rule in rules.Where(r => r.Matches(alert, eventTags)))
                {
                    Send(rule, NotificationMessage.For(NotificationType.Event, alert, alarm, rule.Name, now), except);
                }

                break;
        }
    }

    private void Send(NotificationRuleDefinition rule, NotificationMessage message, Guid? exceptChannel)
    {
        var sent = SentWithin(rule.Id, message.SentAt);
        if (sent.Count >= rule.MaxPerHour)
        {
            var held = _suppressed.GetValueOrDefault(rule.Id, (0, []));
            if (held.Titles.Count < MaxSummaryTitles)
            {
                held.Titles.Add($"{message.SentAt.UtcDateTime:HH:mm:ss} {message.Title}");
            }

            _suppressed[rule.Id] = (held.Count + 1, held.Titles);
            Interlocked.Increment(ref _suppressedTotal);
            return;
        }

        sent.Enqueue(message.SentAt);
        _outbox.Send(rule, message, exceptChannel);
    }

    private void SendSummaries(List<NotificationRuleDefinition> rules, DateTimeOffset now)
    {
        foreach (var (ruleId, held) in _suppressed.ToList())
        {
            var rule = rules.FirstOrDefault(r => r.Id == ruleId);
            if (rule is null)
            {
                _suppressed.Remove(ruleId);
                continue;
            }

            var sent = SentWithin(ruleId, now);
            if (sent.Count >= rule.MaxPerHour)
            {
                continue;
            }

            _suppressed.Remove(ruleId);
            sent.Enqueue(now);
            var more = held.Count > held.Titles.Count ? $" (the first {held.Titles.Count} listed)" : "";
            _outbox.Send(rule, new NotificationMessage(NotificationType.Summary,
                $"{held.Count} more notifications held back by rule '{rule.Name}'",
                $"The rule '{rule.Name}' sends at most {rule.MaxPerHour} messages an hour. These {held.Count} were held back{more}; the Alerts page has them all.",
                rule.Name, now, null, null, held.Count, held.Titles), null);
        }
    }

    private Queue<DateTimeOffset> SentWithin(Guid rule, DateTimeOffset now)
    {
        if (!_sent.TryGetValue(rule, out var sent))
        {
            _sent[rule] = sent = new Queue<DateTimeOffset>();
        }

        while (sent.Count > 0 && now - sent.Peek() >= Window)
        {
            sent.Dequeue();
        }

        return sent;
    }

    private sealed class Tracking(AlertEvent alert, DateTimeOffset dueAt)
    {
        public AlertEvent Event { get; set; } = alert;

        public DateTimeOffset DueAt { get; set; } = dueAt;

        public bool Sent { get; set; }

        public bool Acknowledged { get; set; }

        /// <summary>Got worse after it was sent: the next message is a new alarm, not a repeat.</summary>
        public bool Escalated { get; set; }
    }
}
