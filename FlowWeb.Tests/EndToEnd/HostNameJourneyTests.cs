using System.Net.Http.Json;
using System.Text.Json;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Web;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// Reverse DNS in a real Chromium against the running app, answered by dnsmasq on loopback: a toplist row shows its
/// address first and its name once the lookup ends, without a reload; the filter box finds the row by its name;
/// the toplist API has the name too.
/// </summary>
[Collection(HostNameBrowserCollection.Name)]
public sealed class HostNameJourneyTests(HostNameAppFixture fixture)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Arrival = new() { Timeout = 5_000 };

    [Fact]
    public async Task ToplistRow_AddressAtOnceThenNameFromDnsmasq_WithoutReload_FilterFindsItByName()
    {
        var app = fixture.Browser;
        var port = LoopbackPorts.FreeUdp();
        var sensor = new SensorDefinition { Name = "Names", Port = port, SenderIp = "127.0.0.1" };
        var saved = await app.Service<SensorService>().SaveSensorAsync(sensor);
        Assert.True(saved.Saved, string.Join("; ", saved.Errors));

        await using var browser = await BrowserSession.OpenAsync(app, "host-names");
        var page = browser.Page;
        var loads = 0;
        // Loads of the sensor's page only: the sign-in before it is a page load of its own.
        page.Load += (_, loaded) =>
        {
            if (loaded.Url.Contains($"sensors/{sensor.Id}", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref loads);
            }
        };
        await browser.GoToAsync($"sensors/{sensor.Id}");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Top Connections" }).ClickAsync();

        using var router = new FlowSender("127.0.0.1");
        await router.PrimeAsync(port, () => app.Service<SensorLiveState>().Snapshot(sensor).FlowsAccepted > 0);
        var queriesBefore = fixture.Queries;
        await router.SendAsync(port,
        [
            FlowSender.Flow("10.20.30.40", 50123, HostNameAppFixture.Address, 443, 6, 880_000, 700),
            FlowSender.Flow("10.20.30.41", 50124, "198.51.100.9", 80, 6, 440_000, 350),
        ]);

        var table = page.Locator("[data-toplist='Top Connections']");
        var row = table.Locator("tr.toplist-row", new() { Has = page.Locator($"td:has-text('{HostNameAppFixture.Address}')") });
        await Expect(row).ToBeVisibleAsync(Arrival);

        // The row is there with its address, and no name yet: the lookup it asked for takes 2.5 s to be answered.
        Assert.Equal(0, await row.Locator(".toplist-host").CountAsync());
        Assert.StartsWith(HostNameAppFixture.Address, (await row.Locator("td.toplist-key").Nth(2).InnerTextAsync()).Trim(), StringComparison.Ordinal);

        await Expect(row.Locator(".toplist-host")).ToHaveTextAsync(HostNameAppFixture.Name, new() { Timeout = 8_000 });
        Assert.Equal(1, loads);
        Assert.True(fixture.Queries > queriesBefore, "the name came from a query the page asked for");
        await browser.ScreenshotAsync("toplist-host-name.png");

        await page.FillAsync("#toplist-filter-2", "files.e2e");
        await Expect(table.Locator("tr.toplist-row")).ToHaveCountAsync(1);
        await Expect(table.Locator("tr.toplist-row")).ToContainTextAsync(HostNameAppFixture.Address);
        await page.FillAsync("#toplist-filter-2", "nowhere.e2e");
        await Expect(table.Locator("tr.toplist-row")).ToHaveCountAsync(0);

        // The API's toplist has the name beside the destination address.
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", TestAccounts.AdminKey);
        using var json = await http.GetFromJsonAsync<JsonDocument>($"api/sensors/{sensor.Id}/toplists/2");
        var apiRow = json!.RootElement.GetProperty("rows").EnumerateArray()
            .Single(r => r.TryGetProperty("destinationAddress", out var d) && d.GetString() == HostNameAppFixture.Address);
        Assert.Equal(HostNameAppFixture.Name, apiRow.GetProperty("destinationHostName").GetString());
        Assert.False(apiRow.TryGetProperty("sourceHostName", out _));
        Assert.Empty(browser.Errors);
    }
}
