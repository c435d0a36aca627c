namespace FlowWeb.Core.Notifications;

public enum NotificationChannelType
{
    Email,
    Webhook,
    Script,
}

/// <summary>How the SMTP connection is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain connection upgraded with STARTTLS, which is required (port 587): the password never goes in clear.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,

    /// <summary>No encryption (a relay on the same host or LAN); authentication is then refused.</summary>
    None,
}

/// <summary>An SMTP server and the mail to send through it.</summary>
public sealed record EmailSettings
{
    public string Host { get; init; } = "";

    public int Port { get; init; } = 587;

    public SmtpSecurity Security { get; init; } = SmtpSecurity.StartTls;

    /// <summary>Empty = no authentication.</summary>
    public string UserName { get; init; } = "";

    public string From { get; init; } = "";

    public IReadOnlyList<string> To { get; init; } = [];

    /// <summary>Accept a server certificate that does not validate (a lab server with a self-signed certificate).</summary>
    public bool SkipCertificateValidation { get; init; }
}

/// <summary>An HTTP endpoint that receives a JSON body by POST (see README, "Webhook body").</summary>
public sealed record WebhookSettings
{
    public string Url { get; init; } = "";

    /// <summary>Per attempt; a slower answer counts as a failure and is retried.</summary>
    public int TimeoutSeconds { get; init; } = 10;
}

/// <summary>A program run per notification: the JSON body on standard input, the main fields as environment variables.</summary>
public sealed record ScriptSettings
{
    public string Path { get; init; } = "";

    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The program is killed after this long and the attempt counts as failed.</summary>
    public int TimeoutSeconds { get; init; } = 30;
}

/// <summary>
/// Where notifications go. <see cref="Secret"/> is the SMTP password or the webhook's HMAC key: kept encrypted with
/// ASP.NET Core Data Protection in the database, given to the sender only, never returned by the API or shown in a
/// form (which only says whether one is set).
/// </summary>
public sealed record NotificationChannelDefinition
{
    public const int MaxNameLength = 100;

    public Guid Id { get; init; } = Guid.NewGuid();

    public string Name { get; init; } = "";

    public NotificationChannelType Type { get; init; }

    public bool Enabled { get; init; } = true;

    public EmailSettings Email { get; init; } = new();

    public WebhookSettings Webhook { get; init; } = new();

    public ScriptSettings Script { get; init; } = new();

    /// <summary>The plain secret (null = none). Only in memory.</summary>
    public string? Secret { get; init; }

    public bool HasSecret => !string.IsNullOrEmpty(Secret);

    /// <summary>Where it sends, for lists and logs, without the secret.</summary>
    public string Target => Type switch
    {
        NotificationChannelType.Email => $"{string.Join(", ", Email.To)} via {Email.Host}:{Email.Port}",
        NotificationChannelType.Webhook => Webhook.Url,
        NotificationChannelType.Script => Script.Path,
        _ => "",
    };
}
