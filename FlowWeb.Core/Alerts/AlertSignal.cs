namespace FlowWeb.Core.Alerts;

/// <summary>How bad an event is. Error is what PRTG shows red (a sensor Down, an attack); Warning yellow.</summary>
public enum AlertSeverity
{
    Info,
    Warning,
    Error,
}

/// <summary>What an event is about; notification rules choose events by kind.</summary>
public enum AlertKind
{
    /// <summary>A sensor changed state (Up, Warning, Down, Unknown, Paused).</summary>
    SensorState,

    /// <summary>A channel limit of a sensor was crossed, or the value came back within it.</summary>
    Limit,

    /// <summary>An exporter was heard from for the first time, went silent, or came back.</summary>
    Exporter,

    /// <summary>The collector's own health: kernel drops, decode errors, data waiting for templates.</summary>
    Collector,

    /// <summary>An attack started or ended (detection).</summary>
    Attack,

    /// <summary>A notification could not be delivered after its retries.</summary>
    Notification,
}

/// <summary>
/// Whether an event stands alone (<see cref="Event"/>) or opens or closes an alarm: a <see cref="Started"/> and a
/// <see cref="Cleared"/> with the same key form a pair, and the alarm is active in between.
/// </summary>
public enum AlertPhase
{
    Event,
    Started,
    Cleared,

    /// <summary>Someone acknowledged the active alarm with this key (never notified).</summary>
    Acknowledged,
}

/// <summary>
/// What a subsystem hands to <see cref="IAlertSink.Raise"/>. <see cref="Key"/> names the condition (e.g.
/// <c>attack:192.0.2.7:udp-flood</c>): a <see cref="AlertPhase.Started"/> opens the alarm with that key (or updates
/// it while active), a <see cref="AlertPhase.Cleared"/> closes it. <see cref="Values"/> are numbers (bit/s, packets/s,
/// limits), <see cref="Details"/> short texts (old and new state, a target address); both go into the log, the
/// webhook body and the script's input unchanged.
/// </summary>
public sealed record AlertSignal
{
    public const int MaxKeyLength = 200;
    public const int MaxSubjectLength = 200;
    public const int MaxMessageLength = 2000;
    public const int MaxEntries = 32;

    /// <summary>
    /// The detail that names the condition's current state (a sensor's new state, a limit's level). An update of an
    /// active alarm is logged as an event when its severity or this detail changes; other updates only move its values.
    /// </summary>
    public const string StateDetail = "newState";

    public required string Key { get; init; }

    public AlertPhase Phase { get; init; } = AlertPhase.Event;

    public AlertKind Kind { get; init; }

    public AlertSeverity Severity { get; init; } = AlertSeverity.Info;

    /// <summary>The subsystem that raised it: <c>sensors</c>, <c>limits</c>, <c>collector</c>, <c>detect</c>...</summary>
    public string Source { get; init; } = "";

    /// <summary>What it concerns, as a person reads it: a sensor's name, an exporter's address, an attack's target.</summary>
    public string Subject { get; init; } = "";

    public string Message { get; init; } = "";

    public Guid? SensorId { get; init; }

    public Guid? DeviceId { get; init; }

    public IReadOnlyDictionary<string, double> Values { get; init; } = new Dictionary<string, double>();

    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();

    /// <summary>Opens (or updates) the alarm <paramref name="key"/>.</summary>
    public static AlertSignal Started(string key, AlertKind kind, AlertSeverity severity, string source, string subject, string message) =>
        new() { Key = key, Phase = AlertPhase.Started, Kind = kind, Severity = severity, Source = source, Subject = subject, Message = message };

    /// <summary>Closes the alarm <paramref name="key"/>; kind, subject and ids are taken from the open alarm when left empty.</summary>
    public static AlertSignal Cleared(string key, AlertKind kind, string source, string message) =>
        new() { Key = key, Phase = AlertPhase.Cleared, Kind = kind, Severity = AlertSeverity.Info, Source = source, Message = message };

    /// <summary>A standalone event (nothing to clear later).</summary>
    public static AlertSignal Event(string key, AlertKind kind, AlertSeverity severity, string source, string subject, string message) =>
        new() { Key = key, Phase = AlertPhase.Event, Kind = kind, Severity = severity, Source = source, Subject = subject, Message = message };

    /// <summary>The signal cut to the stored sizes: a caller's long text or many values never grow the log without bound.</summary>
    internal AlertSignal Bounded() => this with
    {
        Key = Cut(Key, MaxKeyLength),
        Source = Cut(Source, 50),
        Subject = Cut(Subject, MaxSubjectLength),
        Message = Cut(Message, MaxMessageLength),
        Values = Values.Count <= MaxEntries && Values.Keys.All(k => k.Length <= 64)
            ? Values
            : Values.Take(MaxEntries).ToDictionary(kv => Cut(kv.Key, 64), kv => kv.Value),
        Details = Details.Count <= MaxEntries && Details.All(kv => kv.Key.Length <= 64 && kv.Value.Length <= 500)
            ? Details
            : Details.Take(MaxEntries).ToDictionary(kv => Cut(kv.Key, 64), kv => Cut(kv.Value, 500)),
    };

    private static string Cut(string? text, int length) => text is null ? "" : text.Length <= length ? text : text[..length];
}

/// <summary>One recorded event, as the log, the API and notifications show it.</summary>
public sealed record AlertEvent(
    long Id,
    DateTimeOffset At,
    AlertPhase Phase,
    AlertKind Kind,
    AlertSeverity Severity,
    string Source,
    string Key,
    string Subject,
    string Message,
    Guid? SensorId,
    Guid? DeviceId,
    IReadOnlyDictionary<string, double> Values,
    IReadOnlyDictionary<string, string> Details);

/// <summary>Who acknowledged an alarm, when, and why (PRTG: "acknowledge with a comment").</summary>
public sealed record AlarmAcknowledgement(DateTimeOffset At, string By, string Comment);

/// <summary>An active condition: opened by a started event, open until its cleared event.</summary>
public sealed record Alarm(
    string Key,
    AlertKind Kind,
    AlertSeverity Severity,
    string Source,
    string Subject,
    string Message,
    Guid? SensorId,
    Guid? DeviceId,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyDictionary<string, double> Values,
    IReadOnlyDictionary<string, string> Details,
    AlarmAcknowledgement? Acknowledged)
{
    public bool IsAcknowledged => Acknowledged is not null;
}
