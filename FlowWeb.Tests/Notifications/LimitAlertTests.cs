using System.Net;
using System.Text.Json;
using FlowWeb.Api;
using FlowWeb.Core.Alerts;
using FlowWeb.Core.Alerts.Limits;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Notifications;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Notifications;

/// <summary>
/// Channel limits crossed by real NetFlow v9 datagrams over UDP: the sensor turns Warning, then Down; one mail (real
/// SMTP, STARTTLS + AUTH) and one webhook arrive; an unacknowledged alarm repeats, an acknowledged one does not;
/// traffic back within limits sends the all-clear. The app runs on a fake clock moved one second at a time, so
/// "held for 2 seconds" and "repeat every minute" are exact.
/// </summary>
public sealed class LimitAlertTests
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(20);
    private const double WarningBits = 8e6;
    private const double ErrorBits = 40e6;

    [Fact]
    public async Task Uplink_TrafficOverWarningThenErrorLimit_WarningThenDownOneMailAndWebhookAckStopsRepeatsAllClear()
    {
        using var smtp = await SmtpTestServer.StartAsync();
        await using var hook = await WebhookReceiver.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var app = new FlowWebFactory();
        app.Settings["Notifications:RetryDelay"] = "00:00:00";
        app.Settings["Collector:FrameInterval"] = "00:00:00.050"; // a frame for every simulated second, without waiting a real one
        using var factory = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        using var client = factory.CreateClient();
        var monitor = factory.Services.GetRequiredService<AlertMonitorService>();
        var collector = factory.Services.GetRequiredService<FlowCollector>();

        var port = LoopbackPorts.FreeUdp();
        SensorResponse sensor;
        using (var created = await client.PostJsonAsync("/api/sensors", new SensorRequest
               {
                   Name = "Loopback uplink", Port = port, SenderIp = "127.0.0.1", ActiveFlowTimeoutMinutes = 0,
                   Limits =
                   [
                       new ChannelLimit
                       {
                           ChannelId = ChannelIds.Total, UpperWarning = WarningBits, UpperError = ErrorBits, HoldSeconds = 2,
                           UpperWarningMessage = "Uplink busy", UpperErrorMessage = "Uplink saturated",
                       },
                   ],
               }))
        {
            sensor = await created.ReadAsync<SensorResponse>(HttpStatusCode.Created);
        }

        Assert.Equal(ErrorBits, Assert.Single(sensor.Limits).UpperError);
        var mail = await NotificationDeliveryTests.CreateChannelAsync(client, NotificationDeliveryTests.Mail(smtp.Port) with { Secret = SmtpTestServer.Password });
        var webhook = await NotificationDeliveryTests.CreateChannelAsync(client, NotificationDeliveryTests.Hook(hook.Url));
        using (var rule = await client.PostJsonAsync("/api/notifications/rules", new RuleRequest
               {
                   Name = "uplink down", Kinds = [AlertKind.SensorState], States = [SensorState.Down], SensorIds = [sensor.Id],
                   ChannelIds = [mail.Id, webhook.Id], RepeatMinutes = 1,
               }))
        {
            await rule.ReadAsync<NotificationRuleDefinition>(HttpStatusCode.Created);
        }

        using var sender = new RouterOsSender(port, clock.GetUtcNow());
        var flows = 0L;

        // One simulated second: send that second's bytes as one flow, wait until the sensor booked it, move the clock on
        // and wait for the monitor's pass at the new time.
        async Task SecondAsync(ulong bytes)
        {
            if (bytes > 0)
            {
                await sender.SendAsync([sender.Flow("192.168.88.10", 50_000, "203.0.113.7", 443, 6, bytes, bytes / 1400)]);
                flows++;
                Assert.True(await Eventually.TrueAsync(() => collector.Sensor(sensor.Id)?.FlowsAccepted == flows, Arrival), "the sensor counted the flow");
            }

            var passes = monitor.Passes;
            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.True(await Eventually.TrueAsync(() => monitor.Passes > passes, Arrival), "a monitor pass after the second");
        }

        async Task<SensorLiveResponse> Live() => await client.GetAsync<SensorLiveResponse>($"/api/sensors/{sensor.Id}/live");

        // 16 Mbit/s: over the warning limit, under the error limit.
        for (var s = 0; s < 8; s++)
        {
            await SecondAsync(2_000_000);
        }

        var warning = await Live();
        Assert.Equal(SensorState.Warning, warning.State);
        Assert.Equal("Total 16 Mbit/s above the upper warning limit 8 Mbit/s: Uplink busy", warning.StatusMessage);
        Assert.Empty(smtp.Messages());

        // 80 Mbit/s: over the error limit.
        for (var s = 0; s < 8; s++)
        {
            await SecondAsync(10_000_000);
        }

        var down = await Live();
        Assert.Equal(SensorState.Down, down.State);
        // The current rate is what arrived over the last 60 s (16 s so far): it climbs from 16 towards 80 Mbit/s.
        Assert.Matches(@"^Total (4\d|5\d|6\d|7\d)(\.\d)? Mbit/s above the upper error limit 40 Mbit/s: Uplink saturated$", down.StatusMessage);
        Assert.True(await Eventually.TrueAsync(() => smtp.Messages().Count == 1 && hook.Received.Count == 1, Arrival), "one mail and one webhook");
        var first = smtp.Messages()[0];
        // It went Down at the pass where the rate had been over 40 Mbit/s for 2 seconds.
        Assert.Matches(@"^\[FlowWeb\] ERROR: Loopback uplink: Down \(was Warning\): Total 4\d(\.\d)? Mbit/s above the upper error limit 40 Mbit/s: Uplink saturated$", first.Subject);
        Assert.Contains("oldState: Warning", first.Body, StringComparison.Ordinal);
        Assert.Contains("newState: Down", first.Body, StringComparison.Ordinal);
        Assert.Matches(@"bitsPerSecond: 4\d{7}", first.Body);
        using (var body = JsonDocument.Parse(hook.Received[0].Body))
        {
            var e = body.RootElement.GetProperty("event");
            Assert.Equal(("sensorState", "error", sensor.Id.ToString()), (e.GetProperty("kind").GetString(), e.GetProperty("severity").GetString(), e.GetProperty("sensorId").GetString()));
            Assert.Equal("Down", e.GetProperty("details").GetProperty("newState").GetString());
            Assert.InRange(e.GetProperty("values").GetProperty("bitsPerSecond").GetDouble(), 40e6, 50e6);
        }

        // The Alerts page's data: the sensor's Down alarm and the limit's alarm are active.
        var alarms = await client.GetAsync<Alarm[]>("/api/alarms");
        Assert.Equal([AlertKind.SensorState, AlertKind.Limit], alarms.Select(a => a.Kind).Order());
        var stateAlarm = alarms.Single(a => a.Kind == AlertKind.SensorState);
        Assert.Equal((AlertSeverity.Error, sensor.Id), (stateAlarm.Severity, stateAlarm.SensorId));

        // Still Down a minute later and unacknowledged: it repeats once.
        for (var s = 0; s < 60; s++)
        {
            await SecondAsync(10_000_000);
        }

        Assert.True(await Eventually.TrueAsync(() => smtp.Messages().Count == 2 && hook.Received.Count == 2, Arrival), "the repeat");
        Assert.StartsWith("[FlowWeb] STILL ERROR: Loopback uplink", smtp.Messages()[1].Subject, StringComparison.Ordinal);

        using (var ack = await client.PostJsonAsync("/api/alarms/acknowledge", new AcknowledgeRequest(stateAlarm.Key, "ISP ticket 4711", "noc")))
        {
            Assert.True((await ack.ReadAsync<Alarm>(HttpStatusCode.OK)).IsAcknowledged);
        }

        // Acknowledged: another minute and a half Down without a message.
        for (var s = 0; s < 90; s++)
        {
            await SecondAsync(10_000_000);
        }

        var dispatcher = factory.Services.GetRequiredService<NotificationDispatcher>();
        Assert.True(await Eventually.TrueAsync(() => dispatcher.Pending == 0, Arrival));
        Assert.Equal((2, 2), (smtp.Messages().Count, hook.Received.Count));

        // Traffic falls to 1.6 Mbit/s: as the last minute's rate falls, the error limit clears after about 31 s (Warning:
        // the rule's condition, Down, is over, so the all-clear goes out), then the warning limit after about 56 s (Up).
        for (var s = 0; s < 65; s++)
        {
            await SecondAsync(200_000);
        }

        Assert.Equal(SensorState.Up, (await Live()).State);
        Assert.True(await Eventually.TrueAsync(() => smtp.Messages().Count == 3 && hook.Received.Count == 3, Arrival), "the all-clear");
        Assert.Matches(@"^\[FlowWeb\] CLEARED: Loopback uplink: Warning \(was Down\): Total 3\d(\.\d)? Mbit/s above the upper warning limit 8 Mbit/s: Uplink busy$", smtp.Messages()[2].Subject);
        Assert.Equal("cleared", hook.Received[2].Event);
        Assert.Empty(await client.GetAsync<Alarm[]>("/api/alarms"));

        // The log holds every state change with old and new state. (A monitor pass that ran between the first flow's
        // arrival and the end of its second saw the sensor receiving with no complete second yet, so Up: that start is
        // the sensor's own and is skipped here; what follows is the limits'.)
        var log = await client.GetAsync<AlertEvent[]>($"/api/events?sensorId={sensor.Id}&kind=SensorState");
        var states = log.Where(e => e.Phase != AlertPhase.Acknowledged).Reverse().Select(e => e.Details[AlertSignal.StateDetail]).ToList();
        Assert.Equal(["Warning", "Down", "Warning", "Up"], states.SkipWhile(s => s == "Up"));
    }
}
