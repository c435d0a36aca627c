using FlowWeb.Accounts;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Mitigation;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Detection;
using FlowWeb.Tests.Mitigation;
using FlowWeb.Tests.Web;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// In a real Chromium against the real app: a device gets automatic action in its Mitigation form (the "router" is
/// the RouterOS REST stand-in over HTTPS), a sensor gets N = 2 s and M = 3 s in its form's detection section, and a
/// UDP flood is sent over real UDP with the project's encoder. The banner (on the sensor's page) and the Attacks page,
/// both open before, show the attack without a reload; its page shows the RouterOS commands and the automatic ban;
/// the router receives the address-list entry, and its removal once the flood stops and the attack ends. A Viewer
/// sees the attack and its commands but no ban buttons, and not the Mitigation form.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AttackJourneyTests(BrowserAppFixture app)
{
    private const float LiveMs = 30_000;

    // Its own name: the fixture's app is shared, and ViewerJourneyTests' viewer "vicky" has another password.
    private const string Viewer = "vicky-attacks";
    private static readonly TimeSpan Live = TimeSpan.FromMilliseconds(LiveMs);

    [Fact]
    public async Task Flood_OverRealUdp_ShownLiveWithCommands_AutomaticBanAddedAndRemoved_ViewerHasNoBanButtons()
    {
        await using var router = await FakeRouterOsRest.StartAsync();
        var sensors = app.Service<SensorService>();
        var device = new DeviceDefinition { Name = "Attack journey edge", Address = "127.0.0.1" };
        Assert.True((await sensors.SaveDeviceAsync(device)).Saved);
        var port = LoopbackPorts.FreeUdp();
        var sensor = new SensorDefinition { Name = "Attack journey uplink", Port = port, SenderIp = "127.0.0.1", DeviceId = device.Id };
        Assert.True((await sensors.SaveSensorAsync(sensor)).Saved);

        await using var admin = await BrowserSession.OpenAsync(app, "attack-admin");
        var page = admin.Page;
        await SetUpMitigationAsync(admin, device, router);
        await SetUpDetectionAsync(admin, sensor.Id);

        await using var watcher = await BrowserSession.OpenAsync(app, "attack-banner");
        await watcher.GoToAsync($"sensors/{sensor.Id}");
        await admin.GoToAsync("attacks");
        var flood = AttackScenario.Of(AttackKind.UdpFlood, ipv6: false, 1);
        var row = page.Locator($"tr.ongoing-attack-row[data-victim='{flood.Victim}']");
        await Expect(row).ToHaveCountAsync(0);
        var banner = watcher.Page.Locator(".attack-banner");
        await Expect(banner).ToHaveCountAsync(0);

        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", TestAccounts.AdminKey);
        using var driver = new AttackDriver(port, http, sensor.Id, 1);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var attacking = Task.Run(async () =>
        {
            // One second of flood (and normal traffic) per round until the test has seen what it needs.
            while (!stop.IsCancellationRequested)
            {
                var pace = Task.Delay(1000, CancellationToken.None);
                await driver.AttackUntilReportedAsync([flood], minSeconds: 1, maxSeconds: 1);
                await pace;
            }
        });

        long attackId;
        try
        {
            // Without a reload: the Attacks page lists it, the sensor's page shows the banner.
            await Expect(row).ToBeVisibleAsync(new() { Timeout = LiveMs });
            await Expect(row).ToContainTextAsync($"UDP flood on {flood.Victim}");
            await Expect(banner).ToBeVisibleAsync(new() { Timeout = LiveMs });
            await Expect(banner.Locator(".attack-banner-link")).ToHaveTextAsync($"UDP flood on {flood.Victim}");
            attackId = long.Parse(await row.GetAttributeAsync("data-attack-id") ?? "", System.Globalization.CultureInfo.InvariantCulture);

            // The sensor's live graph shades the attack, linking to it.
            await Expect(watcher.Page.Locator($".traffic-chart-mark a[href='attacks/{attackId}']")).ToHaveCountAsync(1, new() { Timeout = LiveMs });

            // The automatic ban reached the router, with the device's ban time.
            var put = await Poll.UntilAsync(() => Task.FromResult(router.Requests.FirstOrDefault(r => r.Method == "PUT")), r => r is not null, Live, _ => "no PUT reached the router");
            Assert.Equal(("/rest/ip/firewall/address-list", "flowweb-ddos", flood.Victim, "30m"), (put!.Path, put.Body["list"], put.Body["address"], put.Body["timeout"]));

            // The detail page: the report, the RouterOS commands for v7 and v6 (as Core makes them), the ban in the log.
            await row.Locator(".attack-link").ClickAsync();
            await page.WaitForPathAsync($"/attacks/{attackId}");
            await Expect(page.Locator(".attack-title")).ToHaveTextAsync($"UDP flood on {flood.Victim}");
            await Expect(page.Locator(".attack-state")).ToHaveAttributeAsync("data-ongoing", "true");
            var report = (await app.Service<AttackQueryService>().GetAsync(attackId))!;
            var options = RouterOsCommands.For(report, TimeSpan.FromMinutes(30));
            Assert.True(options.Count >= 2);
            foreach (var option in options)
            {
                await Expect(page.Locator(".routeros-option[data-version='7'] pre").Filter(new() { HasText = option.RouterOsV7 })).ToHaveCountAsync(1);
            }

            await page.GetByRole(AriaRole.Tab, new() { Name = "RouterOS v6" }).ClickAsync();
            await Expect(page.Locator(".routeros-option[data-version='6'] pre").First).ToContainTextAsync(options[0].RouterOsV6);
            await Expect(page.Locator("tr.attack-action[data-action='ban'][data-succeeded='true']")).ToBeVisibleAsync(new() { Timeout = LiveMs });
            await Expect(page.Locator(".ban-button")).ToBeVisibleAsync();
            await admin.ScreenshotAsync("attack.png");
        }
        finally
        {
            await stop.CancelAsync();
            await attacking;
        }

        // The flood stopped: after M = 3 s below, the attack ends, the banner goes and the ban is taken back.
        await Expect(banner).ToHaveCountAsync(0, new() { Timeout = LiveMs });
        await Expect(page.Locator(".attack-state")).ToHaveAttributeAsync("data-ongoing", "false", new() { Timeout = LiveMs });
        // Until the DELETE is logged too: the fake router logs a request after its effect, so the entry goes first.
        await Poll.UntilAsync(() => Task.FromResult((Entries: router.Entries("ip/firewall/address-list").Count, Deleted: router.Requests.Any(r => r.Method == "DELETE"))),
            s => s.Entries == 0 && s.Deleted, Live, s => $"{s.Entries} entries still on the router, DELETE logged: {s.Deleted}");
        Assert.Contains(router.Requests, r => r.Method == "DELETE" && r.Path.StartsWith("/rest/ip/firewall/address-list/", StringComparison.Ordinal));
        await Expect(page.Locator("tr.attack-action[data-action='remove'][data-succeeded='true']")).ToBeVisibleAsync(new() { Timeout = LiveMs });

        await ViewerSeesNoBanButtonsAsync(attackId, device.Id);
        Assert.Empty(admin.Errors);
        Assert.Empty(watcher.Errors);
        await sensors.DeleteSensorAsync(sensor.Id);
    }

    /// <summary>Automatic action, through the device's Mitigation form, against the stand-in router (its certificate pinned).</summary>
    private async Task SetUpMitigationAsync(BrowserSession admin, DeviceDefinition device, FakeRouterOsRest router)
    {
        var page = admin.Page;
        await admin.GoToAsync("");
        await page.Locator($"[data-device='{device.Name}'] .device-mitigation-button").ClickAsync();
        await page.WaitForPathAsync($"/devices/{device.Id}/mitigation");
        await admin.WaitInteractiveAsync();

        // A bad address is named under its field and nothing is stored.
        await page.FillAsync("#mitigation-url", "http://insecure.example");
        await page.ClickAsync(".save-mitigation-button");
        await Expect(page.Locator("[data-error-for='Url']")).ToContainTextAsync("https://");
        Assert.Equal("", (await app.Service<MitigationSettingsStore>().GetAsync(device.Id)).Url);

        await page.FillAsync("#mitigation-url", router.Url.ToString());
        await page.FillAsync("#mitigation-user", FakeRouterOsRest.User);
        await page.FillAsync("#mitigation-password", FakeRouterOsRest.Password);
        await page.FillAsync("#mitigation-pin", router.Thumbprint);
        await page.FillAsync("#mitigation-ban-minutes", "30");
        await page.Locator(".mitigation-automatic input[type=checkbox]").CheckAsync();
        await page.ClickAsync(".save-mitigation-button");
        await Expect(page.Locator("[data-error-for]")).ToHaveCountAsync(0);
        var stored = await Poll.UntilAsync(() => app.Service<MitigationSettingsStore>().GetAsync(device.Id), s => s.Automatic, Live, s => $"automatic={s.Automatic} url={s.Url}");
        Assert.Equal((router.Url.ToString().TrimEnd('/'), FakeRouterOsRest.User, true, 30), (stored.Url, stored.Username, stored.HasPassword, stored.BanMinutes));
        Assert.Equal(FakeRouterOsRest.Password, await app.Service<MitigationSettingsStore>().PasswordAsync(device.Id));
        await Expect(page.Locator("#mitigation-password")).ToHaveValueAsync(""); // write-only: never sent back to the browser
        var audited = await Poll.UntilAsync(() => app.Service<AuditLog>().LatestAsync(50), entries => entries.Any(e => e.Action == "device.mitigation" && e.After!.Contains("\"automatic\":true", StringComparison.Ordinal)),
            Live, entries => $"audit: {string.Join(", ", entries.Select(e => e.Action))}");
        var saved = audited.First(e => e.Action == "device.mitigation" && e.After!.Contains("\"automatic\":true", StringComparison.Ordinal));
        Assert.Equal((TestAccounts.AdminUser, $"{device.Name} ({device.Id})"), (saved.Actor, saved.Subject));
        Assert.DoesNotContain(FakeRouterOsRest.Password, saved.After, StringComparison.Ordinal);
    }

    /// <summary>N = 2 s, M = 3 s and a protected network, through the sensor form's detection section (a bad N is refused first).</summary>
    private async Task SetUpDetectionAsync(BrowserSession admin, Guid sensorId)
    {
        var page = admin.Page;
        await admin.GoToAsync($"sensors/{sensorId}/edit");
        await page.FillAsync("#detection-start-seconds", "0");
        await page.FillAsync("#detection-networks", "203.0.113.0/24");
        await Expect(page.Locator("[data-error-for='Detection.StartAfterSeconds']")).ToContainTextAsync("must be 1 to 600 seconds");
        await page.FillAsync("#detection-start-seconds", "2");
        await page.FillAsync("#detection-end-seconds", "3");
        await page.FillAsync("#detection-networks", "203.0.113.0/24, 2001:db8:a::/48");
        // Tab commits the field, so that the check below sees the validated form; left to the click, the change event
        // and its re-render race the click itself.
        await page.PressAsync("#detection-networks", "Tab");
        await Expect(page.Locator("[data-error-for]")).ToHaveCountAsync(0);
        await admin.SaveAndWaitForAsync(".save-sensor-button", $"/sensors/{sensorId}");
        var detection = (await app.Service<SensorService>().GetSensorAsync(sensorId))!.Detection;
        Assert.Equal((2, 3), (detection.StartAfterSeconds, detection.EndAfterSeconds));
        Assert.Equal(["203.0.113.0/24", "2001:db8:a::/48"], detection.ProtectedNetworks);
    }

    private async Task ViewerSeesNoBanButtonsAsync(long attackId, Guid deviceId)
    {
        const string password = "attack-viewer-password";
        var accounts = app.Service<AccountService>();
        if ((await accounts.ListAsync()).All(u => u.UserName != Viewer))
        {
            Assert.Empty(await accounts.CreateAsync(Viewer, password, AccountRoles.Viewer));
        }

        await using var viewer = await BrowserSession.OpenAsync(app, "attack-viewer", signIn: false);
        await viewer.SignInAsync(Viewer, password);
        await viewer.GoToAsync($"attacks/{attackId}");
        await Expect(viewer.Page.Locator(".routeros-option[data-version='7']").First).ToBeVisibleAsync();
        await Expect(viewer.Page.Locator("tr.attack-action[data-action='ban']")).ToBeVisibleAsync();
        Assert.Equal(0, await viewer.Page.Locator(".ban-button").CountAsync());
        Assert.Equal(0, await viewer.Page.Locator(".unban-button").CountAsync());
        await viewer.GoToAsync("");
        Assert.Equal(0, await viewer.Page.Locator(".device-mitigation-button").CountAsync());
        await viewer.Page.GotoAsync(new Uri(app.BaseUrl, $"devices/{deviceId}/mitigation").ToString());
        await Expect(viewer.Page.GetByText("Your role does not allow this page")).ToBeVisibleAsync();
    }
}
