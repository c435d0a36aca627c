using System.Net;
using FlowWeb.Accounts;
using FlowWeb.Core.Alerts;
using FlowWeb.Core.Notifications;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Web;
using static Microsoft.Playwright.Assertions;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// A Viewer in real Chromium on every page with an operator's control (alarms, notifications, interfaces, sensors):
/// none is shown, and the same actions through the API with the viewer's own key get 403 and change nothing.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ViewerJourneyTests(BrowserAppFixture app)
{
    private const string Password = "viewer-journey-password";

    [Fact]
    public async Task Viewer_SeesNoOperatorControls_AndTheApiRefusesThemWithTheViewersKey()
    {
        const string AlarmKey = "attack:viewer-journey";
        app.Service<IAlertSink>().Raise(AlertSignal.Started(AlarmKey, AlertKind.Attack, AlertSeverity.Error, "detect", "192.0.2.8", "UDP flood (viewer journey)"));
        var channel = new NotificationChannelDefinition
        {
            Name = "viewer journey hook", Type = NotificationChannelType.Webhook, Webhook = new WebhookSettings { Url = "http://127.0.0.1:9/hook", TimeoutSeconds = 5 },
        };
        Assert.True((await app.Service<NotificationService>().SaveChannelAsync(channel)).Saved);
        var device = new DeviceDefinition { Name = "Viewer journey router" };
        Assert.True((await app.Service<SensorService>().SaveDeviceAsync(device)).Saved);
        var sensor = new SensorDefinition { Name = "Viewer journey sensor", Port = LoopbackPorts.FreeUdp(), SenderIp = "127.0.0.1", DeviceId = device.Id };
        Assert.True((await app.Service<SensorService>().SaveSensorAsync(sensor)).Saved);
        var accounts = app.Service<AccountService>();
        if ((await accounts.ListAsync()).All(u => u.UserName != "vicky"))
        {
            Assert.Empty(await accounts.CreateAsync("vicky", Password, AccountRoles.Viewer));
        }

        await using var browser = await BrowserSession.OpenAsync(app, "viewer-controls", signIn: false);
        await browser.SignInAsync("vicky", Password);
        var page = browser.Page;

        await browser.GoToAsync("alerts");
        await Expect(page.GetByText("UDP flood (viewer journey)").First).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator(".ack-button").CountAsync());

        await browser.GoToAsync("notifications");
        await Expect(page.GetByText("viewer journey hook").First).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator(".send-test-button").CountAsync());

        await browser.GoToAsync($"devices/{device.Id}/interfaces");
        await Expect(page.Locator(".interfaces-title")).ToContainTextAsync("Viewer journey router");
        Assert.Equal(0, await page.Locator(".interface-add, .interfaces-save, .interface-remove").CountAsync());

        await browser.GoToAsync("");
        await Expect(page.GetByText("Viewer journey router").First).ToBeVisibleAsync();
        Assert.Equal(0, await page.GetByText("Add sensor").CountAsync());
        await browser.GoToAsync($"sensors/{sensor.Id}");
        await Expect(page.Locator(".sensor-title")).ToHaveTextAsync("Viewer journey sensor");
        foreach (var name in new[] { "Pause", "Delete", "Edit" })
        {
            Assert.Equal(0, await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = name, Exact = true }).CountAsync());
        }

        Assert.Equal(0, await page.Locator("a[href$='/edit']").CountAsync());

        // The viewer's own key (a full-level key is still capped by the Viewer role).
        var vicky = (await accounts.ListAsync()).Single(u => u.UserName == "vicky");
        var key = await app.Service<ApiKeyService>().CreateAsync(vicky.Id, "viewer journey", ApiKeyLevel.Full);
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        using (var read = await http.GetAsync(new Uri("api/sensors", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        var refused = new (HttpMethod Method, string Path, string? Body)[]
        {
            (HttpMethod.Post, "api/alarms/acknowledge", $"{{\"key\":\"{AlarmKey}\"}}"),
            (HttpMethod.Post, $"api/notifications/channels/{channel.Id}/test", null),
            (HttpMethod.Put, $"api/devices/{device.Id}/interfaces", "[]"),
            (HttpMethod.Post, "api/sensors", "{\"name\":\"viewer made\",\"port\":40998}"),
            (HttpMethod.Post, $"api/sensors/{sensor.Id}/pause", null),
            (HttpMethod.Delete, $"api/sensors/{sensor.Id}", null),
        };
        foreach (var (method, path, body) in refused)
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {(int)response.StatusCode}");
        }

        Assert.Null(app.Service<AlertCenter>().ActiveAlarm(AlarmKey)!.Acknowledged);
        var stored = (await app.Service<SensorService>().GetSensorAsync(sensor.Id))!;
        Assert.False(stored.Paused);
        Assert.DoesNotContain(await app.Service<SensorService>().ListSensorsAsync(), s => s.Name == "viewer made");
    }
}
