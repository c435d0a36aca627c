using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Web;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// AS and country in a real Chromium against the running app: flows over UDP to a sensor with the AS and country
/// toplists; the sensor page's Top Connections shows each public address's AS and country under it (private ones
/// nothing), Top Source AS and Top Countries show the expected rows with the AS's organisation and the country's name.
/// </summary>
[Collection(EnrichmentBrowserCollection.Name)]
public sealed class EnrichmentJourneyTests(EnrichmentAppFixture fixture)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Arrival = new() { Timeout = 10_000 };

    [Fact]
    public async Task SensorPage_OwnersBesideAddresses_AndTheAsAndCountryToplistsRows()
    {
        var app = fixture.Browser;
        var enrichment = app.Service<IpEnrichment>();
        Assert.True(enrichment.Asn.Data is not null && enrichment.Country.Data is not null, $"{enrichment.Asn.Describe()} {enrichment.Country.Describe()}");
        var port = LoopbackPorts.FreeUdp();
        var sensor = new SensorDefinition
        {
            Name = "Enriched uplink", Port = port, SenderIp = "127.0.0.1",
            Toplists =
            [
                new() { Id = 1, Name = "Top Connections", Type = ToplistType.TopConnections, ReverseDns = false },
                new() { Id = 2, Name = "Top Source AS", Type = ToplistType.TopSourceAs },
                new() { Id = 3, Name = "Top Countries", Type = ToplistType.TopCountries },
            ],
        };
        var saved = await app.Service<SensorService>().SaveSensorAsync(sensor);
        Assert.True(saved.Saved, string.Join("; ", saved.Errors));

        using var router = new FlowSender("127.0.0.1");
        await router.PrimeAsync(port, () => app.Service<SensorLiveState>().Snapshot(sensor).FlowsAccepted > 0);
        await router.SendAsync(port,
        [
            FlowSender.Flow("8.8.8.8", 443, "192.168.88.10", 50_000, 6, 4_000_000, 3_000),    // AS15169 GOOGLE, US
            FlowSender.Flow("1.1.1.1", 53, "192.168.88.10", 50_001, 17, 20_000, 20),          // AS13335 CLOUDFLARENET, AU
            FlowSender.Flow("192.168.88.11", 50_002, "203.0.113.7", 22, 6, 300_000, 500),     // to AS64500 Example Transit, DE
        ]);

        await using var browser = await BrowserSession.OpenAsync(app, "as-country");
        var page = browser.Page;
        await browser.GoToAsync($"sensors/{sensor.Id}");

        // Top Connections: the AS and country under each public address, nothing under private ones.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Top Connections" }).ClickAsync();
        var connections = page.Locator("[data-toplist='Top Connections']");
        var google = connections.Locator("tr.toplist-row", new() { Has = page.Locator("td:has-text('8.8.8.8')") });
        await Expect(google).ToBeVisibleAsync(Arrival);
        await Expect(google.Locator(".toplist-owner")).ToHaveTextAsync("AS15169 GOOGLE, US");
        var ssh = connections.Locator("tr.toplist-row", new() { Has = page.Locator("td:has-text('203.0.113.7')") });
        await Expect(ssh.Locator(".toplist-owner")).ToHaveTextAsync("AS64500 Example Transit, DE");
        var cloudflare = connections.Locator("tr.toplist-row", new() { Has = page.Locator("td:has-text('1.1.1.1')") });
        await Expect(cloudflare.Locator(".toplist-owner")).ToHaveTextAsync("AS13335 CLOUDFLARENET, AU");
        await browser.ScreenshotAsync("toplist-as-country-owners.png");

        // Top Source AS: Google's bytes first, then Unknown (the private source and the priming flow from 192.0.2.1, in no database), then Cloudflare; the organisation under the number.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Top Source AS" }).ClickAsync();
        var sources = page.Locator("[data-toplist='Top Source AS'] tr.toplist-row");
        await Expect(sources).ToHaveCountAsync(3, new() { Timeout = 10_000 });
        await Expect(sources.Nth(0).Locator("td.toplist-key")).ToContainTextAsync("AS15169");
        await Expect(sources.Nth(0).Locator(".toplist-owner")).ToHaveTextAsync("GOOGLE");
        await Expect(sources.Nth(1).Locator("td.toplist-key")).ToContainTextAsync("Unknown");
        await Expect(sources.Nth(2).Locator("td.toplist-key")).ToContainTextAsync("AS13335");
        await Expect(sources.Nth(2).Locator(".toplist-owner")).ToHaveTextAsync("CLOUDFLARENET");

        // Top Countries: a flow counts for each side's country; the private side has none, and the priming flow (no country on either side) is Unknown.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Top Countries" }).ClickAsync();
        var countries = page.Locator("[data-toplist='Top Countries'] tr.toplist-row");
        await Expect(countries).ToHaveCountAsync(4, new() { Timeout = 10_000 });
        await Expect(countries.Nth(0).Locator("td.toplist-key")).ToContainTextAsync("US");
        await Expect(countries.Nth(0).Locator(".toplist-owner")).ToHaveTextAsync("United States");
        await Expect(countries.Nth(1).Locator("td.toplist-key")).ToContainTextAsync("DE");
        await Expect(countries.Nth(1).Locator(".toplist-owner")).ToHaveTextAsync("Germany");
        await Expect(countries.Nth(2).Locator("td.toplist-key")).ToContainTextAsync("AU");
        await Expect(countries.Nth(2).Locator(".toplist-owner")).ToHaveTextAsync("Australia");
        await Expect(countries.Nth(3).Locator("td.toplist-key")).ToContainTextAsync("Unknown");
        await browser.ScreenshotAsync("toplist-countries.png");
        Assert.Empty(browser.Errors);
    }
}
