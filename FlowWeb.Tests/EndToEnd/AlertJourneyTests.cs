using FlowWeb.Core.Alerts;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// In a real Chromium: a sensor receiving 4 Mbit/s of real flows over UDP gets a 1 Mbit/s error limit in its form;
/// it turns Down (red) on its page, and the alarm appears on an Alerts page that was already open, without a
/// reload; it is acknowledged there with a comment.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AlertJourneyTests(BrowserAppFixture app)
{
    [Fact]
    public async Task Limit_SetInSensorForm_SensorGoesDownAlarmAppearsLiveAndIsAcknowledged()
    {
        var port = LoopbackPorts.FreeUdp();
        var sensors = app.Service<SensorService>();
        var sensor = new SensorDefinition { Name = "Journey uplink", Port = port, SenderIp = "127.0.0.1", ActiveFlowTimeoutMinutes = 0 };
        Assert.True((await sensors.SaveSensorAsync(sensor)).Saved);
        var collector = app.Service<FlowCollector>();

        using var sender = new FlowSender();
        await sender.PrimeAsync(port, () => collector.Sensor(sensor.Id)?.FlowsAccepted > 0);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var traffic = Task.Run(async () =>
        {
            // 125 kB every quarter second: 4 Mbit/s, for as long as the test runs (two minutes at most).
            while (!stop.IsCancellationRequested)
            {
                await sender.SendAsync(port, [FlowSender.Flow("10.0.0.5", 50_000, "198.51.100.9", 443, 6, 125_000, 100, endedSecondsAgo: 0, seconds: 1)]);
                await Task.Delay(250, CancellationToken.None);
            }
        });

        try
        {
            await using var alerts = await BrowserSession.OpenAsync(app, "alerts-live");
            await alerts.GoToAsync("alerts");
            var alarmRow = alerts.Page.Locator($"tr.alarm-row[data-alarm-key='{SensorStateMonitor.AlarmKey(sensor.Id)}']");
            await Expect(alarmRow).ToHaveCountAsync(0);

            await using var form = await BrowserSession.OpenAsync(app, "alerts-limit");
            await form.GoToAsync($"sensors/{sensor.Id}/edit");
            await form.Page.ClickAsync(".add-limit-button");
            await form.Page.FillAsync("#limit-0-upper-error", "1");
            await form.Page.FillAsync("#limit-0-upper-error-message", "Uplink saturated");
            await form.Page.FillAsync("#limit-0-hold", "2");
            await form.Page.PressAsync("#limit-0-hold", "Tab"); // commits the field before the check and the click
            await Expect(form.Page.Locator("[data-error-for]")).ToHaveCountAsync(0);
            await form.SaveAndWaitForAsync(".save-sensor-button", $"/sensors/{sensor.Id}");

            // The sensor page: red, with the limit's message.
            var chip = form.Page.Locator(".status-chip").First;
            await Expect(chip).ToHaveAttributeAsync("data-state", "Down", new() { Timeout = 20_000 });
            Assert.Equal(1e6, Assert.Single((await sensors.GetSensorAsync(sensor.Id))!.Limits).UpperError);

            // The Alerts page, open all along, shows the alarm without a reload.
            await Expect(alarmRow).ToBeVisibleAsync(new() { Timeout = 20_000 });
            await Expect(alarmRow).ToContainTextAsync("above the upper error limit 1 Mbit/s: Uplink saturated");
            await Expect(alarmRow).ToContainTextAsync("Error");
            await Expect(alerts.Page.Locator(".alarm-badge")).Not.ToHaveAttributeAsync("data-alarm-count", "0");

            await alarmRow.Locator(".ack-button").ClickAsync();
            await alerts.Page.FillAsync("#ack-comment", "ISP informed");
            await alarmRow.Locator(".confirm-ack").ClickAsync();
            await Expect(alarmRow).ToHaveAttributeAsync("data-acknowledged", "true");
            await Expect(alarmRow).ToContainTextAsync($"{Web.TestAccounts.AdminUser}: ISP informed"); // acknowledged by the signed-in user
            Assert.True(app.Service<AlertCenter>().ActiveAlarm(SensorStateMonitor.AlarmKey(sensor.Id))!.IsAcknowledged);
            // Audited by the alert center for the page as for the API, with the signed-in user as the actor.
            await Poll.UntilAsync(() => app.Service<FlowWeb.Accounts.AuditLog>().LatestAsync(50),
                entries => entries.Any(e => e.Action == "alarm.acknowledge" && e.Actor == Web.TestAccounts.AdminUser && e.After!.Contains("ISP informed", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(10), entries => $"audit: {string.Join(", ", entries.Select(e => $"{e.Action} by {e.Actor}"))}");
            // The log reads the database, which the acknowledgement reaches a moment later: the page's next refresh shows it.
            await Expect(alerts.Page.Locator(".event-log tr.event-row[data-phase='Acknowledged']").First).ToContainTextAsync("ISP informed", new() { Timeout = 20_000 });
            await alerts.ScreenshotAsync("alerts.png");

            Assert.Empty(alerts.Errors);
            Assert.Empty(form.Errors);
        }
        finally
        {
            await stop.CancelAsync();
            await traffic;
            await sensors.DeleteSensorAsync(sensor.Id);
        }
    }
}
