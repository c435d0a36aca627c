using FlowWeb.Core.Alerts;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Notifications;

/// <summary>
/// Which events notify which channels, as PRTG's notification triggers: event kinds (and, for state changes, the
/// new states), a minimum severity, sensors or tags (none = every sensor, and events without a sensor too), a
/// delay (an alarm that clears within it notifies nobody), a repeat interval while the alarm lasts unacknowledged,
/// an all-clear when it clears, and at most <see cref="MaxPerHour"/> messages an hour (the rest summarised).
/// </summary>
public sealed record NotificationRuleDefinition
{
    public const int MaxNameLength = 100;

    public Guid Id { get; init; } = Guid.NewGuid();

    public string Name { get; init; } = "";

    public bool Enabled { get; init; } = true;

    /// <summary>Empty = every kind except <see cref="AlertKind.Notification"/> (delivery failures are only sent where asked for).</summary>
    public IReadOnlyList<AlertKind> Kinds { get; init; } = [];

    /// <summary>For sensor state changes: the new states that notify. Empty = Down and Warning.</summary>
    public IReadOnlyList<SensorState> States { get; init; } = [];

    public AlertSeverity MinSeverity { get; init; } = AlertSeverity.Warning;

    public IReadOnlyList<Guid> SensorIds { get; init; } = [];

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<Guid> ChannelIds { get; init; } = [];

    /// <summary>Notify only if the alarm is still active (and not acknowledged) this long after it started.</summary>
    public int DelaySeconds { get; init; }

    /// <summary>Send again every this many minutes while the alarm lasts unacknowledged; 0 = once.</summary>
    public int RepeatMinutes { get; init; }

    public bool NotifyOnClear { get; init; } = true;

    /// <summary>Messages per hour at most; beyond it events are counted and sent as one summary when the hour allows.</summary>
    public int MaxPerHour { get; init; } = 10;

    public static readonly IReadOnlyList<SensorState> DefaultStates = [SensorState.Down, SensorState.Warning];

    /// <summary>Whether a started alarm or a standalone event concerns this rule (tags of the event's sensor given).</summary>
    public bool Matches(AlertEvent alert, IReadOnlyCollection<string> sensorTags)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(sensorTags);
        if (!Enabled || alert.Severity < MinSeverity)
        {
            return false;
        }

        if (Kinds.Count == 0 ? alert.Kind == AlertKind.Notification : !Kinds.Contains(alert.Kind))
        {
            return false;
        }

        if (alert.Kind == AlertKind.SensorState)
        {
            var states = States.Count == 0 ? DefaultStates : States;
            if (!alert.Details.TryGetValue("newState", out var text) || !Enum.TryParse<SensorState>(text, out var state) || !states.Contains(state))
            {
                return false;
            }
        }

        if (SensorIds.Count == 0 && Tags.Count == 0)
        {
            return true;
        }

        return alert.SensorId is { } sensor &&
               (SensorIds.Contains(sensor) || Tags.Any(t => sensorTags.Contains(t, StringComparer.OrdinalIgnoreCase)));
    }
}

/// <summary>Every check on a rule; all problems at once, each naming its field.</summary>
public static class NotificationRuleValidator
{
    public static IReadOnlyList<ValidationError> Validate(NotificationRuleDefinition rule, IEnumerable<NotificationRuleDefinition> others,
        IReadOnlyCollection<Guid> channels, IReadOnlyCollection<Guid> sensors)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var errors = new List<ValidationError>();
        void Fail(string field, string message) => errors.Add(new ValidationError(field, message));

        if (string.IsNullOrWhiteSpace(rule.Name))
        {
            Fail(nameof(rule.Name), "a name is required");
        }
        else if (rule.Name.Length > NotificationRuleDefinition.MaxNameLength)
        {
            Fail(nameof(rule.Name), $"at most {NotificationRuleDefinition.MaxNameLength} characters");
        }
        else if (others.Any(o => o.Id != rule.Id && string.Equals(o.Name.Trim(), rule.Name.Trim(), StringComparison.OrdinalIgnoreCase)))
        {
            Fail(nameof(rule.Name), $"another rule is named '{rule.Name.Trim()}'");
        }

        if (rule.ChannelIds.Count == 0)
        {
            Fail(nameof(rule.ChannelIds), "choose at least one channel");
        }

        foreach (var id in rule.ChannelIds.Where(c => !channels.Contains(c)))
        {
            Fail(nameof(rule.ChannelIds), $"no channel with id {id}");
        }

        foreach (var id in rule.SensorIds.Where(s => !sensors.Contains(s)))
        {
            Fail(nameof(rule.SensorIds), $"no sensor with id {id}");
        }

        if (rule.Tags.Count > 50 || rule.Tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > 100))
        {
            Fail(nameof(rule.Tags), "at most 50 tags of 1 to 100 characters");
        }

        if (rule.Kinds.Any(k => !Enum.IsDefined(k)))
        {
            Fail(nameof(rule.Kinds), "unknown event kind");
        }

        if (rule.States.Any(s => !Enum.IsDefined(s)))
        {
            Fail(nameof(rule.States), "unknown sensor state");
        }

        if (rule.DelaySeconds is < 0 or > 86_400)
        {
            Fail(nameof(rule.DelaySeconds), "must be 0 to 86400 seconds (a day)");
        }

        if (rule.RepeatMinutes is < 0 or > 10_080)
        {
            Fail(nameof(rule.RepeatMinutes), "must be 0 (once) to 10080 minutes (a week)");
        }

        if (rule.MaxPerHour is < 1 or > 1000)
        {
            Fail(nameof(rule.MaxPerHour), "must be 1 to 1000");
        }

        return errors;
    }
}
