using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FlowWeb.Core.Alerts;

namespace FlowWeb.Core.Notifications;

/// <summary>Why a message is sent.</summary>
public enum NotificationType
{
    /// <summary>An alarm started (after the rule's delay).</summary>
    Alarm,

    /// <summary>The alarm still lasts, unacknowledged (the rule's repeat interval).</summary>
    Repeat,

    /// <summary>The alarm cleared (all-clear).</summary>
    Cleared,

    /// <summary>A standalone event (an exporter first seen, a delivery failure).</summary>
    Event,

    /// <summary>Events the rule's hourly limit held back, in one message.</summary>
    Summary,

    /// <summary>"Send test" on a channel.</summary>
    Test,
}

/// <summary>
/// One message for one channel. Every channel renders the same content: email as subject and text, webhook as the
/// JSON body (<see cref="ToJson"/>), script as that body on standard input plus environment variables.
/// </summary>
public sealed record NotificationMessage(
    NotificationType Type,
    string Title,
    string Text,
    string RuleName,
    DateTimeOffset SentAt,
    AlertEvent? Event,
    Alarm? Alarm,
    int SuppressedCount = 0,
    IReadOnlyList<string>? SuppressedTitles = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public AlertSeverity Severity => Type == NotificationType.Cleared ? AlertSeverity.Info : Event?.Severity ?? Alarm?.Severity ?? AlertSeverity.Info;

    /// <summary>The email subject: <c>[FlowWeb] DOWN: Uplink: Total above error limit</c>.</summary>
    public string Subject => $"[FlowWeb] {Title}";

    /// <summary>
    /// The documented webhook body (README "Webhook body"): <c>type</c>, <c>title</c>, <c>text</c>, <c>rule</c>,
    /// <c>sentAt</c>, the <c>event</c> (id, at, phase, kind, severity, source, key, subject, message, sensorId,
    /// deviceId, values, details), the <c>alarm</c> while one is active (key, startedAt, severity, acknowledged) and
    /// <c>suppressed</c> for a summary.
    /// </summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        type = Type,
        title = Title,
        text = Text,
        severity = Severity,
        rule = RuleName,
        sentAt = SentAt,
        @event = Event,
        alarm = Alarm is null ? null : new
        {
            key = Alarm.Key,
            startedAt = Alarm.StartedAt,
            severity = Alarm.Severity,
            acknowledged = Alarm.IsAcknowledged,
        },
        suppressed = Type == NotificationType.Summary ? new { count = SuppressedCount, titles = SuppressedTitles ?? [] } : null,
    }, Json);

    /// <summary>The mail body: the text, then the event's values and details one per line.</summary>
    public string ToPlainText()
    {
        var text = new StringBuilder();
        text.AppendLine(Text);
        text.AppendLine();
        if (Event is { } e)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"When:     {e.At.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
            text.AppendLine(CultureInfo.InvariantCulture, $"Severity: {e.Severity}");
            text.AppendLine(CultureInfo.InvariantCulture, $"Kind:     {e.Kind}");
            text.AppendLine(CultureInfo.InvariantCulture, $"Subject:  {e.Subject}");
            foreach (var (name, value) in e.Details)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{name}: {value}");
            }

            foreach (var (name, value) in e.Values)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{name}: {value.ToString("G", CultureInfo.InvariantCulture)}");
            }
        }

        if (Alarm is { } a && Type != NotificationType.Cleared)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Active since {a.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC; acknowledge it on the Alerts page to stop repeats.");
        }

        if (SuppressedTitles is { Count: > 0 })
        {
            foreach (var title in SuppressedTitles)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {title}");
            }
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Rule: {RuleName}");
        return text.ToString();
    }

    /// <summary>The message for an event under a rule.</summary>
    public static NotificationMessage For(NotificationType type, AlertEvent alert, Alarm? alarm, string rule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var prefix = type switch
        {
            NotificationType.Cleared => "CLEARED",
            NotificationType.Repeat => $"STILL {Word(alarm?.Severity ?? alert.Severity)}",
            _ => Word(alert.Severity),
        };
        var subject = alert.Subject.Length > 0 ? $"{alert.Subject}: " : "";
        return new NotificationMessage(type, $"{prefix}: {subject}{FirstLine(alert.Message)}", alert.Message, rule, now, alert, alarm);
    }

    private static string Word(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Error => "ERROR",
        AlertSeverity.Warning => "WARNING",
        _ => "INFO",
    };

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length <= 150 ? line : line[..150] + "…";
    }
}
