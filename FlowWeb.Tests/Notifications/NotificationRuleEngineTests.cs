using FlowWeb.Core.Alerts;
using FlowWeb.Core.Notifications;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Notifications;

/// <summary>The rules' timing on a fake clock: delay, repeat, acknowledgement, all-clear, hourly limit with a summary.</summary>
public sealed class NotificationRuleEngineTests
{
    private static readonly Guid Sensor = Guid.NewGuid();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-01-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly Outbox _outbox = new();
    private readonly AuditTrail _audit = new();
    private readonly AlertCenter _center;
    private readonly List<NotificationRuleDefinition> _rules = [];
    private readonly NotificationRuleEngine _engine;

    public NotificationRuleEngineTests()
    {
        _center = new AlertCenter(_clock);
        _engine = new NotificationRuleEngine(() => _rules, (_, _) => Task.FromResult<IReadOnlyCollection<string>>(["uplink"]), _center.ActiveAlarm, _outbox, _clock);
        _center.AddListener(_engine);
    }

    [Fact]
    public async Task Delay_AlarmClearsWithinDelay_NothingSent()
    {
        _rules.Add(Rule(delaySeconds: 300));
        _center.Raise(Down());
        await PassAsync(TimeSpan.FromSeconds(299));
        _center.Raise(Up());
        await PassAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(_outbox.Sent);
    }

    [Fact]
    public async Task Delay_StillDownAfterDelay_OneAlarmThenAllClear()
    {
        _rules.Add(Rule(delaySeconds: 300));
        _center.Raise(Down());
        await PassAsync(TimeSpan.FromSeconds(299));
        Assert.Empty(_outbox.Sent);

        await PassAsync(TimeSpan.FromSeconds(1));
        var alarm = Assert.Single(_outbox.Sent);
        Assert.Equal(NotificationType.Alarm, alarm.Type);
        Assert.Equal("ERROR: Uplink: Down: Total above error limit", alarm.Title);

        _center.Raise(Up());
        await PassAsync(TimeSpan.Zero);
        Assert.Equal([NotificationType.Alarm, NotificationType.Cleared], _outbox.Sent.Select(m => m.Type));
        Assert.StartsWith("CLEARED: Uplink:", _outbox.Sent[1].Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeat_UntilAcknowledged_ThenStops()
    {
        _rules.Add(Rule(repeatMinutes: 5));
        _center.Raise(Down());
        await PassAsync(TimeSpan.Zero);
        await PassAsync(TimeSpan.FromMinutes(5));
        await PassAsync(TimeSpan.FromMinutes(5));
        Assert.Equal([NotificationType.Alarm, NotificationType.Repeat, NotificationType.Repeat], _outbox.Sent.Select(m => m.Type));

        Assert.NotNull(await _center.AcknowledgeAsync(Key, "ops", "on it", _audit));
        var audited = Assert.Single(_audit.Entries);
        Assert.Equal("alarm.acknowledge", audited.Action);
        Assert.Null(audited.Before);
        Assert.Equal("on it", Assert.IsType<AlarmAcknowledgement>(audited.After).Comment);
        await PassAsync(TimeSpan.FromMinutes(5));
        await PassAsync(TimeSpan.FromMinutes(30));
        Assert.Equal(3, _outbox.Sent.Count);

        // The all-clear still goes out: the alarm was notified.
        _center.Raise(Up());
        await PassAsync(TimeSpan.Zero);
        Assert.Equal(NotificationType.Cleared, _outbox.Sent[^1].Type);
    }

    [Fact]
    public async Task States_RuleForDownOnly_WarningNotSent()
    {
        _rules.Add(Rule() with { States = [SensorState.Down] });
        _center.Raise(State(SensorState.Warning, AlertSeverity.Warning));
        await PassAsync(TimeSpan.Zero);
        Assert.Empty(_outbox.Sent);

        _center.Raise(State(SensorState.Down, AlertSeverity.Error));
        await PassAsync(TimeSpan.Zero);
        Assert.Single(_outbox.Sent);
    }

    [Fact]
    public async Task Tags_RuleForOtherTag_NothingSent()
    {
        _rules.Add(Rule() with { Tags = ["core"] });
        _center.Raise(Down());
        await PassAsync(TimeSpan.Zero);
        Assert.Empty(_outbox.Sent);
    }

    [Fact]
    public async Task RateLimit_FlappingSensor_AtMostLimitThenOneSummary()
    {
        _rules.Add(Rule() with { MaxPerHour = 4, NotifyOnClear = false });
        for (var i = 0; i < 100; i++)
        {
            _center.Raise(Down());
            await PassAsync(TimeSpan.FromSeconds(10));
            _center.Raise(Up());
            await PassAsync(TimeSpan.FromSeconds(10));
        }

        // 100 flaps in 33 minutes: the first 4 go out, the other 96 wait for the hour.
        Assert.Equal(4, _outbox.Sent.Count);
        Assert.Equal(96, _engine.Suppressed);

        await PassAsync(TimeSpan.FromMinutes(30));
        Assert.Equal(5, _outbox.Sent.Count);
        var summary = _outbox.Sent[^1];
        Assert.Equal(NotificationType.Summary, summary.Type);
        Assert.Equal(96, summary.SuppressedCount);
        Assert.Equal(20, summary.SuppressedTitles!.Count);
        Assert.Contains("\"count\":96", summary.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escalation_WarningThenErrorOnSameKey_SentAgainAtOnce()
    {
        _rules.Add(Rule() with { Kinds = [AlertKind.Attack] });
        var attack = AlertSignal.Started("attack:192.0.2.7", AlertKind.Attack, AlertSeverity.Warning, "detect", "192.0.2.7", "UDP flood 200 Mbit/s");
        _center.Raise(attack);
        await PassAsync(TimeSpan.Zero);
        _center.Raise(attack with { Severity = AlertSeverity.Error, Message = "UDP flood 900 Mbit/s" });
        await PassAsync(TimeSpan.Zero);

        Assert.Equal(["WARNING: 192.0.2.7: UDP flood 200 Mbit/s", "ERROR: 192.0.2.7: UDP flood 900 Mbit/s"], _outbox.Sent.Select(m => m.Title));
    }

    [Fact]
    public async Task DeliveryFailure_NotSentToTheFailingChannel()
    {
        var failing = Guid.NewGuid();
        var other = Guid.NewGuid();
        _rules.Add(Rule() with { Kinds = [AlertKind.Notification], ChannelIds = [failing, other] });
        _center.Raise(new AlertSignal
        {
            Key = $"notification:{failing}",
            Kind = AlertKind.Notification,
            Severity = AlertSeverity.Warning,
            Subject = "mail",
            Message = "Could not deliver",
            Details = new Dictionary<string, string> { ["channelId"] = failing.ToString() },
        });
        await PassAsync(TimeSpan.Zero);

        var (message, except) = Assert.Single(_outbox.Calls);
        Assert.Equal(NotificationType.Event, message.Type);
        Assert.Equal(failing, except);
    }

    private const string Key = "sensor:uplink:state:Down";

    private static NotificationRuleDefinition Rule(int delaySeconds = 0, int repeatMinutes = 0) => new()
    {
        Name = "ops",
        ChannelIds = [Guid.NewGuid()],
        DelaySeconds = delaySeconds,
        RepeatMinutes = repeatMinutes,
    };

    private static AlertSignal Down() => State(SensorState.Down, AlertSeverity.Error);

    private static AlertSignal State(SensorState state, AlertSeverity severity) =>
        AlertSignal.Started($"sensor:uplink:state:{state}", AlertKind.SensorState, severity, "sensors", "Uplink", $"{state}: Total above error limit") with
        {
            SensorId = Sensor,
            Details = new Dictionary<string, string> { ["newState"] = state.ToString() },
        };

    private static AlertSignal Up() => AlertSignal.Cleared(Key, AlertKind.SensorState, "sensors", "Up: back within limits");

    private async Task PassAsync(TimeSpan advance)
    {
        _clock.Advance(advance);
        await _engine.ProcessAsync();
    }

    private sealed class Outbox : INotificationOutbox
    {
        public List<(NotificationMessage Message, Guid? Except)> Calls { get; } = [];

        public List<NotificationMessage> Sent => [.. Calls.Select(c => c.Message)];

        public void Send(NotificationRuleDefinition rule, NotificationMessage message, Guid? exceptChannel) => Calls.Add((message, exceptChannel));
    }

    /// <summary>What the center hands the audit log (the log itself and its database have their own tests).</summary>
    private sealed class AuditTrail : IChangeAudit
    {
        public List<(string Action, string Subject, object? Before, object? After)> Entries { get; } = [];

        public Task RecordAsync(string action, string subject, object? before, object? after, CancellationToken cancellationToken = default)
        {
            Entries.Add((action, subject, before, after));
            return Task.CompletedTask;
        }
    }
}
