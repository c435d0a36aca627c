using FlowWeb.Core.Alerts;
using FlowWeb.Core.Notifications;

namespace FlowWeb.Api;

/// <summary>An acknowledgement: the alarm's key and an optional comment (and who, until accounts exist).</summary>
internal sealed record AcknowledgeRequest(string Key, string? Comment, string? By);

/// <summary>A notification channel as a client sends it. <c>secret</c> is write-only: omitted or null keeps the stored one; <c>clearSecret</c> removes it.</summary>
internal sealed record ChannelRequest
{
    public string Name { get; init; } = "";

    public NotificationChannelType Type { get; init; }

    public bool Enabled { get; init; } = true;

    public EmailSettings? Email { get; init; }

    public WebhookSettings? Webhook { get; init; }

    public ScriptSettings? Script { get; init; }

    /// <summary>The SMTP password or the webhook's HMAC key; never returned.</summary>
    public string? Secret { get; init; }

    public bool ClearSecret { get; init; }

    public NotificationChannelDefinition ToDefinition(Guid id) => new()
    {
        Id = id,
        Name = Name ?? "",
        Type = Type,
        Enabled = Enabled,
        Email = Email ?? new(),
        Webhook = Webhook ?? new(),
        Script = Script ?? new(),
    };
}

/// <summary>A stored channel: its settings, whether a secret is set (never the secret), and its deliveries since start-up.</summary>
internal sealed record ChannelResponse(
    Guid Id, string Name, NotificationChannelType Type, bool Enabled, EmailSettings? Email, WebhookSettings? Webhook, ScriptSettings? Script,
    bool HasSecret, string? SecretProblem, string Target, ChannelDeliveryStats Deliveries)
{
    public static ChannelResponse From(NotificationChannelDefinition c, NotificationService service) => new(
        c.Id, c.Name, c.Type, c.Enabled,
        c.Type == NotificationChannelType.Email ? c.Email : null,
        c.Type == NotificationChannelType.Webhook ? c.Webhook : null,
        c.Type == NotificationChannelType.Script ? c.Script : null,
        c.HasSecret, service.SecretProblem(c.Id), c.Target, service.Stats(c.Id));
}

/// <summary>The outcome of "send test".</summary>
internal sealed record TestResponse(DeliveryOutcome Outcome, int Attempts, string Error);

/// <summary>A notification rule as a client sends and reads it.</summary>
internal sealed record RuleRequest
{
    public string Name { get; init; } = "";

    public bool Enabled { get; init; } = true;

    /// <summary>Empty = every kind except Notification.</summary>
    public IReadOnlyList<AlertKind>? Kinds { get; init; }

    /// <summary>New sensor states that notify; empty = Down and Warning.</summary>
    public IReadOnlyList<FlowWeb.Core.Sensors.SensorState>? States { get; init; }

    public AlertSeverity MinSeverity { get; init; } = AlertSeverity.Warning;

    public IReadOnlyList<Guid>? SensorIds { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public IReadOnlyList<Guid>? ChannelIds { get; init; }

    public int DelaySeconds { get; init; }

    public int RepeatMinutes { get; init; }

    public bool NotifyOnClear { get; init; } = true;

    public int MaxPerHour { get; init; } = 10;

    public NotificationRuleDefinition ToDefinition(Guid id) => new()
    {
        Id = id,
        Name = Name ?? "",
        Enabled = Enabled,
        Kinds = Kinds ?? [],
        States = States ?? [],
        MinSeverity = MinSeverity,
        SensorIds = SensorIds ?? [],
        Tags = Tags ?? [],
        ChannelIds = ChannelIds ?? [],
        DelaySeconds = DelaySeconds,
        RepeatMinutes = RepeatMinutes,
        NotifyOnClear = NotifyOnClear,
        MaxPerHour = MaxPerHour,
    };
}
