using FlowWeb.Core.Live;
using FlowWeb.Core.Interfaces;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Web;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// Interface names in a real Chromium: typed on the device's Interfaces page, then shown wherever flow records carry
/// an interface index (the flow tail, a toplist by interface, beside an interface filter), and the speed turning a
/// sensor pinned to one interface into a utilisation.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class InterfaceJourneyTests(BrowserAppFixture app)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Arrival = new() { Timeout = 8_000 };

    [Fact]
    public async Task DeviceInterfacesTyped_FlowTailToplistFilterAndUtilisationShowTheNames()
    {
        var sensors = app.Service<SensorService>();
        var device = new DeviceDefinition { Name = "Edge router", Address = "127.0.0.1" };
        Assert.True((await sensors.SaveDeviceAsync(device)).Saved);
        var port = LoopbackPorts.FreeUdp();
        var sensor = new SensorDefinition
        {
            Name = "Edge uplink in",
            Port = port,
            SenderIp = "127.0.0.1",
            DeviceId = device.Id,
            IncludeFilter = "InboundInterface[1]",
            Toplists = [.. ToplistDefinition.Defaults(), new ToplistDefinition { Id = 7, Name = "By interface", Type = ToplistType.Custom, Fields = [ToplistField.InboundInterface, ToplistField.OutboundInterface] }],
        };
        var saved = await sensors.SaveSensorAsync(sensor);
        Assert.True(saved.Saved, string.Join("; ", saved.Errors));

        await using var browser = await BrowserSession.OpenAsync(app, "interfaces", height: 1200);
        var page = browser.Page;
        await browser.GoToAsync("");
        await page.Locator($"[data-device='{device.Name}'] .device-interfaces-button").ClickAsync();
        await Expect(page.Locator(".interfaces-title")).ToContainTextAsync("Edge router");
        await Expect(page.Locator(".interfaces-empty")).ToBeVisibleAsync();
        await page.ClickAsync(".interface-add");
        await page.FillAsync("#interface-0-name", "ether1-wan");
        await page.FillAsync("#interface-0-speed", "100");
        await page.ClickAsync(".interface-add");
        await page.FillAsync("#interface-1-name", "ether2-lan");
        await page.ClickAsync(".interfaces-save");
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Saved 2 interface(s)");
        var stored = await app.Service<InterfaceCatalog>().OfDeviceAsync(device.Id);
        Assert.Equal([(1u, "ether1-wan", 100_000_000L), (2u, "ether2-lan", 0L)], stored.Values.OrderBy(x => x.IfIndex).Select(x => (x.IfIndex, x.Name, x.SpeedBitsPerSecond)));
        await browser.ScreenshotAsync("device-interfaces.png");

        // About 75 Mbit/s in on ether1 (375 MB over the last 40 s), out on ether2.
        using var router = new FlowSender("127.0.0.1");
        await router.PrimeAsync(port, () => app.Service<SensorLiveState>().Snapshot(sensor).FlowsFiltered > 0);
        var download = FlowSender.Flow("10.0.0.9", 443, "192.168.88.20", 51000, 6, 375_000_000, 260_000, endedSecondsAgo: 1, seconds: 40);
        (download.InIf, download.OutIf) = (1, 2);
        await router.SendAsync(port, [download]);

        await browser.GoToAsync($"sensors/{sensor.Id}");
        await Expect(page.Locator(".interface-utilisation")).ToContainTextAsync("% of ether1-wan's 100 Mbit/s in", new() { Timeout = 8_000 });
        await page.GetByRole(AriaRole.Tab, new() { Name = "By interface" }).ClickAsync();
        var row = page.Locator("[data-toplist='By interface'] tr.toplist-row").First;
        await Expect(row).ToBeVisibleAsync(Arrival);
        Assert.Equal(["1ether1-wan", "2ether2-lan"], (await row.Locator("td.toplist-key").AllInnerTextsAsync()).Select(t => t.Replace("\n", "", StringComparison.Ordinal).Trim()));

        await page.GetByRole(AriaRole.Tab, new() { Name = "Live flows" }).ClickAsync();
        await Expect(page.Locator(".tail-empty")).ToBeVisibleAsync();
        await router.SendAsync(port, [download]);
        await Expect(page.Locator(".tail-table tbody tr .tail-in").First).ToHaveTextAsync("ether1-wan", new() { Timeout = 8_000 });
        await Expect(page.Locator(".tail-table tbody tr .tail-out").First).ToHaveTextAsync("ether2-lan");

        // The sensor form lists the device's interfaces under a filter that names an interface field.
        await browser.GoToAsync($"sensors/{sensor.Id}/edit");
        await Expect(page.Locator("[data-interfaces-for=IncludeFilter]")).ToContainTextAsync("1 = ether1-wan · 2 = ether2-lan");
        Assert.Empty(browser.Errors);
    }
}
