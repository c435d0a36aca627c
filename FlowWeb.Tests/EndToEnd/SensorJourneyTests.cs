using System.Globalization;
using System.Text.RegularExpressions;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Web;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// What a person does in a real Chromium against the running app: add a device and a sensor through the forms,
/// send it flows over UDP, and watch them arrive on the sensor page; a bad filter; an unknown exporter adopted
/// from the Discovered exporters page. No test may leave an error in the browser console.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class SensorJourneyTests(BrowserAppFixture app)
{
    /// <summary>
    /// How long flows may take from the UDP socket to the page: toplist rows reach frames at most every 3 s
    /// (LiveInterest.ToplistRefresh), a frame comes each second, then the page renders, so about 5 s on an idle machine.
    /// A bound, not a pause: a full suite on two loaded cores took longer (one run in three).
    /// </summary>
    private static readonly LocatorAssertionsToBeVisibleOptions Arrival = new() { Timeout = 15_000 };

    [Fact]
    public async Task AddSensorThroughForm_FlowsSent_SensorPageShowsTopConnectionAndGraph()
    {
        await using var browser = await BrowserSession.OpenAsync(app, "add-sensor", height: 1300);
        var page = browser.Page;
        var port = LoopbackPorts.FreeUdp();

        await browser.GoToAsync("");
        await page.ClickAsync(".add-device-button");
        await page.FillAsync("#device-name", "Office router");
        await page.FillAsync("#device-address", "127.0.0.1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        var device = page.Locator("[data-device='Office router']");
        await Expect(device).ToBeVisibleAsync();

        // The device's "Add sensor" fills in the device and its address as the sender.
        await device.Locator("a:has-text('Add sensor')").First.ClickAsync();
        await Expect(page.Locator("#sensor-name")).ToHaveValueAsync("Office router traffic");
        await Expect(page.Locator("#sensor-sender")).ToHaveValueAsync("127.0.0.1");
        await page.FillAsync("#sensor-port", port.ToString(CultureInfo.InvariantCulture));
        await page.PressAsync("#sensor-port", "Tab");
        await Expect(page.Locator("[data-error-for]")).ToHaveCountAsync(0);
        await browser.ScreenshotAsync("form.png");
        await page.ClickAsync(".save-sensor-button");
        await Expect(page).ToHaveURLAsync(SensorPageUrl());

        var sensor = Assert.Single(await app.Service<SensorService>().ListSensorsAsync(), s => s.Name == "Office router traffic");
        Assert.Equal(port, sensor.Port);
        Assert.Equal("127.0.0.1", sensor.SenderIp);
        Assert.NotNull(sensor.DeviceId);

        using var router = new FlowSender("127.0.0.1");
        await router.PrimeAsync(port, () => Accepted(sensor) > 0);
        await router.SendAsync(port, [.. FlowSender.OfficeTraffic(), FlowSender.Flow("10.1.2.3", 51515, "192.0.2.80", 443, 6, 7_654_321, 5_300, seconds: 60)]);

        await page.GetByRole(AriaRole.Tab, new() { Name = "Top Connections" }).ClickAsync();
        var row = page.Locator("[data-toplist='Top Connections'] tr.toplist-row", new() { Has = page.Locator("td:text-is('10.1.2.3')") });
        await Expect(row).ToBeVisibleAsync(Arrival);
        Assert.Equal(["10.1.2.3", "51515", "192.0.2.80", "443", "TCP"], await row.Locator("td.toplist-key").AllInnerTextsAsync());
        Assert.Equal("7654321", await row.Locator("[data-bytes]").GetAttributeAsync("data-bytes"));
        await Expect(page.Locator(".traffic-chart")).Not.ToHaveAttributeAsync("data-max-bits", "0", new() { Timeout = 5_000 });
        await Expect(page.Locator(".sensor-last-data")).ToContainTextAsync("last data received");
        // The README's sensor picture is ReadingJourneyTests' (1366 px, Gbit/s axis, local times, folded channels).
        await browser.ScreenshotAsync("sensor.png");

        // The flow tail keeps records only while its tab is open: send more once it is.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Live flows" }).ClickAsync();
        await Expect(page.Locator(".tail-empty")).ToContainTextAsync("Waiting for flows");
        await router.SendAsync(port, [FlowSender.Flow("10.0.0.5", 53000, "198.51.100.53", 53, 17, 120, 1), FlowSender.Flow("10.0.0.6", 51000, "198.51.100.80", 443, 6, 9000, 12)]);
        await Expect(page.Locator(".tail-table tbody tr")).ToHaveCountAsync(2, new() { Timeout = 5_000 });
        await page.FillAsync("#tail-filter", "Protocol[UDP");
        await Expect(page.Locator("[data-error-for=TailFilter]")).ToContainTextAsync("missing ']'");
        await page.FillAsync("#tail-filter", "Protocol[UDP]");
        await Expect(page.Locator(".tail-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator(".tail-table tbody tr")).ToContainTextAsync("198.51.100.53");
        await browser.ScreenshotAsync("sensor-flows.png");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Exporter health" }).ClickAsync();
        await Expect(page.Locator(".exporter-health[data-exporter='127.0.0.1']")).ToContainTextAsync("NetFlow v9");
        await browser.ScreenshotAsync("sensor-health.png");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Setup" }).ClickAsync();
        await Expect(page.Locator(".exporter-setup pre").First).ToContainTextAsync($"port={port} version=9");
        await page.Locator(".copy-button").First.ClickAsync();
        await Expect(page.Locator(".mud-snackbar", new() { HasTextRegex = CopyOutcome() })).ToBeVisibleAsync();
        await browser.ScreenshotAsync("sensor-setup.png");

        await browser.GoToAsync("");
        var tile = page.Locator($"[data-sensor-id='{sensor.Id}']");
        await Expect(tile).ToHaveAttributeAsync("data-state", "Up");
        await Expect(tile.Locator("svg.sparkline polyline")).ToHaveCountAsync(1);
        await page.SetViewportSizeAsync(1280, 480);
        Artifacts.PublishForReadme(await browser.ScreenshotAsync("devices.png"), "devices.png");
        await page.SetViewportSizeAsync(390, 844);
        await browser.GoToAsync("");
        await Expect(tile).ToBeVisibleAsync();
        await browser.ScreenshotAsync("devices-phone.png");

        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task AddSensorForm_BadIncludeFilter_ShowsPositionAndSavesNothing()
    {
        await using var browser = await BrowserSession.OpenAsync(app, "bad-filter");
        var page = browser.Page;
        var before = (await app.Service<SensorService>().ListSensorsAsync()).Count;

        await browser.GoToAsync("sensors/new");
        await page.FillAsync("#sensor-name", "Bad filter sensor");
        await page.FillAsync("#sensor-include-filter", "SourceIP[10.0.0.300]");
        var error = page.Locator("[data-error-for=IncludeFilter]");
        await Expect(error).ToContainTextAsync("position 17: octet 300 is out of range (0-255)");
        await Expect(error.Locator(".filter-caret")).ToContainTextAsync("^");
        await page.ClickAsync(".save-sensor-button");

        await Expect(page.Locator(".form-summary")).ToContainTextAsync("Not saved");
        Assert.EndsWith("/sensors/new", page.Url, StringComparison.Ordinal);
        await browser.ScreenshotAsync("form-bad-filter.png");
        var sensors = await app.Service<SensorService>().ListSensorsAsync();
        Assert.DoesNotContain(sensors, s => s.Name == "Bad filter sensor");
        Assert.True(sensors.Count <= before, "a sensor was saved despite the bad filter");
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task DiscoveredExporter_AddSensorButton_CreatesSensorThatReceivesItsFlows()
    {
        await using var browser = await BrowserSession.OpenAsync(app, "discovered-exporter");
        var page = browser.Page;
        using var stranger = new FlowSender("127.0.0.5");
        await stranger.SendAsync(app.DefaultUdpPort, [FlowSender.Flow("10.9.8.7", 40000, "203.0.113.9", 53, 17, 1_000, 10)]);

        await browser.GoToAsync("exporters");
        var row = page.Locator("tr", new() { Has = page.Locator("td.exporter-address:text-is('127.0.0.5')") });
        await Expect(row).ToBeVisibleAsync(Arrival);
        await Expect(row).ToContainTextAsync("NetFlow v9");
        await browser.ScreenshotAsync("exporters.png");

        await row.Locator("a:has-text('Add sensor')").ClickAsync();
        await Expect(page.Locator("#sensor-sender")).ToHaveValueAsync("127.0.0.5");
        await Expect(page.Locator("#sensor-port")).ToHaveValueAsync(app.DefaultUdpPort.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("#sensor-name")).ToHaveValueAsync("127.0.0.5 traffic");
        await page.ClickAsync(".save-sensor-button");
        await Expect(page).ToHaveURLAsync(SensorPageUrl());

        var sensor = Assert.Single(await app.Service<SensorService>().ListSensorsAsync(), s => s.SenderIp == "127.0.0.5");
        Assert.Equal(app.DefaultUdpPort, sensor.Port);
        Assert.Equal(ExpectedProtocol.NetFlowV9, sensor.Protocol);

        await stranger.PrimeAsync(app.DefaultUdpPort, () => Accepted(sensor) > 0);
        await stranger.SendAsync(app.DefaultUdpPort, [FlowSender.Flow("10.9.8.7", 40000, "203.0.113.9", 53, 17, 1_234_567, 900)]);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Top Connections" }).ClickAsync();
        var connection = page.Locator("[data-toplist='Top Connections'] tr.toplist-row", new() { Has = page.Locator("td:text-is('203.0.113.9')") });
        await Expect(connection).ToBeVisibleAsync(Arrival);
        Assert.Equal(["10.9.8.7", "40000", "203.0.113.9", "53", "UDP"], await connection.Locator("td.toplist-key").AllInnerTextsAsync());
        Assert.Equal("1234567", await connection.Locator("[data-bytes]").GetAttributeAsync("data-bytes"));

        // Not assigned to a device: listed under "No device" on the home page.
        await browser.GoToAsync("");
        await Expect(page.Locator("[data-device='']")).ToContainTextAsync("127.0.0.5 traffic");
        await browser.ScreenshotAsync("devices-no-device.png");
        Assert.Empty(browser.Errors);
    }

    private long Accepted(SensorDefinition sensor) => app.Service<SensorLiveState>().Snapshot(sensor).FlowsAccepted;

    /// <summary>Either answer of the copy button: headless Chromium may refuse the clipboard, which the page must say rather than fail.</summary>
    [GeneratedRegex("Copied to the clipboard|refused to copy")]
    private static partial Regex CopyOutcome();

    [GeneratedRegex(@"/sensors/[0-9a-f-]{36}$")]
    private static partial Regex SensorPageUrl();
}
