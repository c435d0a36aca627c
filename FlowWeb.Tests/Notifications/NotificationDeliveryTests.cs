using System.Net;
using System.Text.Json;
using FlowWeb.Api;
using FlowWeb.Core.Alerts;
using FlowWeb.Core.Notifications;
using FlowWeb.Core.Storage;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Notifications;

/// <summary>
/// Notifications end to end through the real app: channels and rules made through the API, an alarm raised through
/// <see cref="IAlertSink"/> as detection raises attacks, delivered to a real SMTP server (aiosmtpd, STARTTLS and
/// authentication required) and a real HTTP receiver on loopback.
/// </summary>
public sealed class NotificationDeliveryTests
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(20);
    private const string HookKey = "webhook-hmac-key";
    private const string AttackKey = "attack:192.0.2.7:udp-flood";

    [Fact]
    public async Task Attack_RuleWithMailAndWebhook_OneEachThenRepeatUntilAcknowledgedThenAllClear()
    {
        using var smtp = await SmtpTestServer.StartAsync();
        await using var hook = await WebhookReceiver.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var app = new FlowWebFactory();
        app.Settings["Notifications:RetryDelay"] = "00:00:00";
        using var factory = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        using var client = factory.CreateClient();

        var mail = await CreateChannelAsync(client, Mail(smtp.Port) with { Secret = SmtpTestServer.Password });
        var webhook = await CreateChannelAsync(client, Hook(hook.Url) with { Secret = HookKey });
        var listed = await client.GetStringAsync(ApiJson.Url("/api/notifications/channels"));
        Assert.DoesNotContain(SmtpTestServer.Password, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(HookKey, listed, StringComparison.Ordinal);
        Assert.True(mail.HasSecret && webhook.HasSecret);
        await AssertSecretsEncryptedAsync(factory.Services);

        using (var rule = await client.PostJsonAsync("/api/notifications/rules", new RuleRequest
               {
                   Name = "attacks to ops", Kinds = [AlertKind.Attack], ChannelIds = [mail.Id, webhook.Id], RepeatMinutes = 10,
               }))
        {
            await rule.ReadAsync<NotificationRuleDefinition>(HttpStatusCode.Created);
        }

        var sink = factory.Services.GetRequiredService<IAlertSink>();
        sink.Raise(AlertSignal.Started(AttackKey, AlertKind.Attack, AlertSeverity.Error, "detect", "192.0.2.7", "UDP flood toward 192.0.2.7: 960 Mbit/s") with
        {
            Values = new Dictionary<string, double> { ["bitsPerSecond"] = 960e6, ["packetsPerSecond"] = 80_000 },
            Details = new Dictionary<string, string> { ["target"] = "192.0.2.7" },
        });

        await WaitAsync(() => smtp.Messages().Count == 1 && hook.Received.Count == 1, "the first mail and webhook");
        var first = smtp.Messages()[0];
        Assert.True(first.Tls, "the mail went over STARTTLS");
        Assert.Equal(SmtpTestServer.User, first.User);
        Assert.Equal(("alerts@flowweb.test", "noc@example.test"), (first.From, Assert.Single(first.To)));
        Assert.Equal("[FlowWeb] ERROR: 192.0.2.7: UDP flood toward 192.0.2.7: 960 Mbit/s", first.Subject);
        Assert.Contains("bitsPerSecond: 960000000", first.Body, StringComparison.Ordinal);
        Assert.Contains("target: 192.0.2.7", first.Body, StringComparison.Ordinal);

        var received = hook.Received[0];
        Assert.Equal("application/json; charset=utf-8", received.ContentType);
        Assert.Equal(WebhookSender.Sign(HookKey, received.Body), received.Signature);
        Assert.Equal("alarm", received.Event);
        using (var body = JsonDocument.Parse(received.Body))
        {
            var root = body.RootElement;
            Assert.Equal(("alarm", "error", "attacks to ops"), (root.GetProperty("type").GetString(), root.GetProperty("severity").GetString(), root.GetProperty("rule").GetString()));
            var e = root.GetProperty("event");
            Assert.Equal((AttackKey, "started", "attack", "detect"), (e.GetProperty("key").GetString(), e.GetProperty("phase").GetString(),
                e.GetProperty("kind").GetString(), e.GetProperty("source").GetString()));
            Assert.Equal(960e6, e.GetProperty("values").GetProperty("bitsPerSecond").GetDouble());
            Assert.False(root.GetProperty("alarm").GetProperty("acknowledged").GetBoolean());
        }

        // Unacknowledged, it repeats after the rule's interval.
        clock.Advance(TimeSpan.FromMinutes(10));
        await WaitAsync(() => smtp.Messages().Count == 2 && hook.Received.Count == 2, "the repeat");
        Assert.StartsWith("[FlowWeb] STILL ERROR: 192.0.2.7", smtp.Messages()[1].Subject, StringComparison.Ordinal);
        Assert.Equal("repeat", hook.Received[1].Event);

        using (var ack = await client.PostJsonAsync("/api/alarms/acknowledge", new AcknowledgeRequest(AttackKey, "blackholed upstream", "noc")))
        {
            var alarm = await ack.ReadAsync<Alarm>(HttpStatusCode.OK);
            Assert.Equal(("noc", "blackholed upstream"), (alarm.Acknowledged!.By, alarm.Acknowledged.Comment));
        }

        // Acknowledged: two more intervals pass without a message.
        var engine = factory.Services.GetRequiredService<NotificationRuleEngine>();
        var dispatcher = factory.Services.GetRequiredService<NotificationDispatcher>();
        for (var i = 0; i < 2; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(10));
            var at = clock.GetUtcNow();
            await WaitAsync(() => engine.LastPassAt >= at && dispatcher.Pending == 0, "a rule pass after the interval");
        }

        Assert.Equal((2, 2), (smtp.Messages().Count, hook.Received.Count));

        sink.Raise(AlertSignal.Cleared(AttackKey, AlertKind.Attack, "detect", "Attack toward 192.0.2.7 ended after 20 minutes"));
        await WaitAsync(() => smtp.Messages().Count == 3 && hook.Received.Count == 3, "the all-clear");
        Assert.Equal("[FlowWeb] CLEARED: 192.0.2.7: Attack toward 192.0.2.7 ended after 20 minutes", smtp.Messages()[2].Subject);
        Assert.Equal("cleared", hook.Received[2].Event);

        var log = await client.GetAsync<AlertEvent[]>("/api/events?kind=Attack");
        Assert.Equal([AlertPhase.Cleared, AlertPhase.Acknowledged, AlertPhase.Started], log.Select(e => e.Phase));
        Assert.Empty(await client.GetAsync<Alarm[]>("/api/alarms"));
    }

    [Fact]
    public async Task Failures_SmtpDownWebhook500AndTimeout_RetriedThenShownAndCounted()
    {
        await using var failing = await WebhookReceiver.StartAsync();
        failing.Status = 500;
        await using var slow = await WebhookReceiver.StartAsync();
        slow.Delay = TimeSpan.FromSeconds(30);
        using var app = new FlowWebFactory();
        app.Settings["Notifications:MaxAttempts"] = "3";
        app.Settings["Notifications:RetryDelay"] = "00:00:00.050";
        using var client = app.CreateClient();

        var mail = await CreateChannelAsync(client, Mail(LoopbackPorts.FreeTcp()) with { Name = "mail-down", Secret = SmtpTestServer.Password });
        var error = await CreateChannelAsync(client, Hook(failing.Url) with { Name = "hook-500" });
        var timeout = await CreateChannelAsync(client, Hook(slow.Url) with { Name = "hook-timeout", Webhook = new WebhookSettings { Url = slow.Url.ToString(), TimeoutSeconds = 1 } });
        using (var rule = await client.PostJsonAsync("/api/notifications/rules", new RuleRequest
               {
                   Name = "everything", Kinds = [AlertKind.Attack], ChannelIds = [mail.Id, error.Id, timeout.Id],
               }))
        {
            await rule.ReadAsync<NotificationRuleDefinition>(HttpStatusCode.Created);
        }

        app.Services.GetRequiredService<IAlertSink>().Raise(AlertSignal.Started(AttackKey, AlertKind.Attack, AlertSeverity.Error, "detect", "192.0.2.7", "SYN flood"));

        ChannelResponse[] channels = [];
        await WaitAsync(async () => (channels = await client.GetAsync<ChannelResponse[]>("/api/notifications/channels")).All(c => c.Deliveries.Failed == 1),
            "every channel to fail");
        Assert.All(channels, c => Assert.Equal((0L, 1L, 3L), (c.Deliveries.Sent, c.Deliveries.Failed, c.Deliveries.FailedAttempts)));
        Assert.Contains("HTTP 500", channels.Single(c => c.Name == "hook-500").Deliveries.LastError, StringComparison.Ordinal);
        Assert.Contains("did not answer within 1 s", channels.Single(c => c.Name == "hook-timeout").Deliveries.LastError, StringComparison.Ordinal);
        Assert.Contains("SMTP 127.0.0.1", channels.Single(c => c.Name == "mail-down").Deliveries.LastError, StringComparison.Ordinal);

        // Retried: three requests each, one delivery id for all of them.
        Assert.Equal(3, failing.Received.Count);
        Assert.Single(failing.Received.Select(r => r.Delivery).Distinct());
        Assert.Equal(3, slow.Received.Count);

        var deliveries = await client.GetAsync<DeliveryRecord[]>($"/api/notifications/channels/{error.Id}/deliveries");
        var failed = Assert.Single(deliveries);
        Assert.Equal((DeliveryOutcome.Failed, 3, "ERROR: 192.0.2.7: SYN flood"), (failed.Outcome, failed.Attempts, failed.Title));

        var metrics = await client.GetStringAsync(ApiJson.Url("/metrics"));
        foreach (var name in new[] { "mail-down", "hook-500", "hook-timeout" })
        {
            Assert.Contains($"flowweb_notifications_total{{channel=\"{name}\",outcome=\"failed\"}} 1\n", metrics, StringComparison.Ordinal);
            Assert.Contains($"flowweb_notification_failed_attempts_total{{channel=\"{name}\"}} 3\n", metrics, StringComparison.Ordinal);
        }

        // Shown in the log as well, one event per channel.
        var events = await client.GetAsync<AlertEvent[]>("/api/events?kind=Notification");
        Assert.Equal(["hook-500", "hook-timeout", "mail-down"], events.Select(e => e.Subject).Order(StringComparer.Ordinal));
        Assert.All(events, e => Assert.StartsWith("Could not deliver \"ERROR: 192.0.2.7: SYN flood\"", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Secret_AfterRestart_StillDecryptsAndSigns()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        var directory = Directory.CreateTempSubdirectory("flowweb-test-").FullName;
        try
        {
            Guid id;
            using (var first = new FlowWebFactory(directory, LoopbackPorts.FreeUdp()))
            using (var client = first.CreateClient())
            {
                id = (await CreateChannelAsync(client, Hook(hook.Url) with { Secret = HookKey })).Id;
            }

            Assert.True(Directory.EnumerateFiles(Path.Combine(directory, AlertsServiceCollectionExtensions.KeysFolder), "key-*.xml").Any(), "the keys are kept in the data directory");
            using var second = new FlowWebFactory(directory, LoopbackPorts.FreeUdp());
            using var again = second.CreateClient();
            var channel = await again.GetAsync<ChannelResponse>($"/api/notifications/channels/{id}");
            Assert.Equal((true, (string?)null), (channel.HasSecret, channel.SecretProblem));

            // A replacement without a secret keeps the stored one.
            using (var put = await again.PutJsonAsync($"/api/notifications/channels/{id}", Hook(hook.Url) with { Name = "renamed" }))
            {
                Assert.True((await put.ReadAsync<ChannelResponse>(HttpStatusCode.OK)).HasSecret);
            }

            using var test = await again.PostAsync(ApiJson.Url($"/api/notifications/channels/{id}/test"), null);
            Assert.Equal(DeliveryOutcome.Sent, (await test.ReadAsync<TestResponse>(HttpStatusCode.OK)).Outcome);
            var received = Assert.Single(hook.Received);
            Assert.Equal(WebhookSender.Sign(HookKey, received.Body), received.Signature);
            Assert.Equal("test", received.Event);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Script_SendTest_GetsBodyOnStdinAndFieldsInEnvironment_FailureShowsItsError()
    {
        var directory = Directory.CreateTempSubdirectory("flowweb-script-").FullName;
        try
        {
            var output = Path.Combine(directory, "out.json");
            var script = Path.Combine(directory, "notify.sh");
            await File.WriteAllTextAsync(script, $"#!/bin/sh\ncat > {output}\necho \"$FLOWWEB_TYPE $FLOWWEB_SEVERITY $1\" > {output}.env\n[ \"$1\" = fail ] && {{ echo 'relay refused' >&2; exit 3; }}\nexit 0\n");
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            using var app = new FlowWebFactory();
            app.Settings["Notifications:MaxAttempts"] = "2";
            app.Settings["Notifications:RetryDelay"] = "00:00:00";
            using var client = app.CreateClient();

            var ok = await CreateChannelAsync(client, new ChannelRequest
            {
                Name = "script", Type = NotificationChannelType.Script, Script = new ScriptSettings { Path = script, Arguments = ["ok"] },
            });
            using (var test = await client.PostAsync(ApiJson.Url($"/api/notifications/channels/{ok.Id}/test"), null))
            {
                Assert.Equal(new TestResponse(DeliveryOutcome.Sent, 1, ""), await test.ReadAsync<TestResponse>(HttpStatusCode.OK));
            }

            using (var body = JsonDocument.Parse(await File.ReadAllTextAsync(output)))
            {
                Assert.Equal("test", body.RootElement.GetProperty("type").GetString());
            }

            Assert.Equal("test info ok", (await File.ReadAllTextAsync(output + ".env")).Trim());

            var bad = await CreateChannelAsync(client, new ChannelRequest
            {
                Name = "script-fails", Type = NotificationChannelType.Script, Script = new ScriptSettings { Path = script, Arguments = ["fail"] },
            });
            using var failed = await client.PostAsync(ApiJson.Url($"/api/notifications/channels/{bad.Id}/test"), null);
            Assert.Equal(new TestResponse(DeliveryOutcome.Failed, 2, $"{script} exited with code 3: relay refused"), await failed.ReadAsync<TestResponse>(HttpStatusCode.OK));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Validation_BadChannelAndRule_EveryProblemNamedByField()
    {
        using var app = new FlowWebFactory();
        using var client = app.CreateClient();
        using var channel = await client.PostJsonAsync("/api/notifications/channels", new ChannelRequest
        {
            Name = "", Type = NotificationChannelType.Email,
            Email = new EmailSettings { Host = "", Port = 0, From = "nobody", To = ["ops@example.test", "not-an-address"], UserName = "u", Security = SmtpSecurity.None },
        });
        var problems = await channel.ValidationProblemAsync();
        Assert.Equal(["email.from", "email.host", "email.port", "email.security", "email.to", "name", "secret"], problems.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["'not-an-address' is not an email address"], problems.Errors["email.to"]);

        using var rule = await client.PostJsonAsync("/api/notifications/rules", new RuleRequest { Name = "r", ChannelIds = [Guid.Empty], DelaySeconds = -1, MaxPerHour = 0 });
        var ruleProblems = await rule.ValidationProblemAsync();
        Assert.Equal(["channelIds", "delaySeconds", "maxPerHour"], ruleProblems.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(await client.GetAsync<ChannelResponse[]>("/api/notifications/channels"));
    }

    internal static ChannelRequest Mail(int port) => new()
    {
        Name = "ops mail",
        Type = NotificationChannelType.Email,
        Email = new EmailSettings
        {
            Host = "127.0.0.1", Port = port, Security = SmtpSecurity.StartTls, UserName = SmtpTestServer.User, From = "alerts@flowweb.test",
            To = ["noc@example.test"], SkipCertificateValidation = true,
        },
    };

    internal static ChannelRequest Hook(Uri url) => new()
    {
        Name = "ops hook",
        Type = NotificationChannelType.Webhook,
        Webhook = new WebhookSettings { Url = url.ToString(), TimeoutSeconds = 5 },
    };

    internal static async Task<ChannelResponse> CreateChannelAsync(HttpClient client, ChannelRequest request)
    {
        using var response = await client.PostJsonAsync("/api/notifications/channels", request);
        return await response.ReadAsync<ChannelResponse>(HttpStatusCode.Created);
    }

    private static async Task AssertSecretsEncryptedAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<FlowWebDbContext>>().CreateDbContextAsync();
        var rows = await db.NotificationChannels.AsNoTracking().ToListAsync();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.False(string.IsNullOrEmpty(r.ProtectedSecret));
            Assert.DoesNotContain(SmtpTestServer.Password, r.ProtectedSecret + r.SettingsJson, StringComparison.Ordinal);
            Assert.DoesNotContain(HookKey, r.ProtectedSecret + r.SettingsJson, StringComparison.Ordinal);
        });
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        Assert.True(await Eventually.TrueAsync(condition, Arrival), $"timed out waiting for {what}");
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Arrival;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
