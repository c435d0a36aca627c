using System.Globalization;
using FlowWeb.Core.Live;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;
using FlowWeb.Tests.Web;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// Issue 12 in a real Chromium: numbers a reader can trust at a glance. The sensor page at 1366 px with Gbit/s-scaled
/// axes, times in the browser's zone and channels without traffic folded; the zone switch to UTC, remembered; hover
/// values and drag-to-zoom on a history graph; the dark theme following the system, with a remembered override.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReadingJourneyTests(BrowserAppFixture app)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Arrival = new() { Timeout = 8_000 };

    [Fact]
    public async Task SensorPage_1366Wide_GbitAxisLocalTimesFoldedChannelsAndEveryTableFits()
    {
        var (sensor, port) = await CreateSensorAsync("Core uplink");
        await using var browser = await BrowserSession.OpenAsync(app, "sensor-1366", 1366, 768, timeZone: "Europe/Berlin");
        var page = browser.Page;

        // Six downloads of 4 GB (what RouterOS's 32-bit byte counter carries at most) over the last 40 s: about 4.8 Gbit/s.
        using var router = new FlowSender("127.0.0.1");
        await router.PrimeAsync(port, () => Accepted(sensor) > 0);
        ushort[] services = [443, 80, 22, 993, 443, 3389];
        await router.SendAsync(port, [.. services.Select((service, i) =>
            FlowSender.Flow($"10.0.0.{10 + i}", (ushort)(50_000 + i), $"203.0.113.{20 + i}", service, 6, 4_000_000_000, 2_700_000, endedSecondsAgo: 1, seconds: 40)),
            .. FlowSender.OfficeTraffic()]);

        await browser.GoToAsync($"sensors/{sensor.Id}");
        var chart = page.Locator(".traffic-card .traffic-chart");
        await Expect(chart).ToHaveAttributeAsync("data-unit", "Gbit/s", new() { Timeout = 8_000 });
        await Expect(page.Locator(".traffic-card .traffic-chart-unit")).ToHaveTextAsync("Gbit/s");

        // The sensor spreads records (active timeout 1 min): the newest minute of the 10-minute graph is still filling,
        // drawn dashed from point (600 - 60) / 3 s per point = 180 on, and said so in the legend.
        await Expect(chart).ToHaveAttributeAsync("data-provisional", "180");
        await Expect(page.Locator(".traffic-card .traffic-chart-legend-provisional")).ToBeVisibleAsync();
        await Expect(page.Locator(".traffic-card polyline.traffic-chart-provisional").First).ToBeAttachedAsync();
        await Expect(page.Locator(".sensor-last-data")).ToContainTextAsync(BerlinSuffix(DateTimeOffset.UtcNow));
        await Expect(page.Locator("[data-zone='Europe/Berlin']").First).ToBeVisibleAsync();

        // Channels without traffic are one line, so the toplists follow the few that have some.
        var quiet = page.Locator(".channels-quiet-button");
        await Expect(quiet).ToContainTextAsync("channels without traffic in the last 10 min");
        await Expect(page.Locator(".channel-table tr.channel-quiet")).ToHaveCountAsync(0);
        var active = await page.Locator(".channel-table tr.channel-active").CountAsync();
        Assert.InRange(active, 2, 10);
        var toplistsTop = await page.Locator(".sensor-toplists").EvaluateAsync<double>("e => e.getBoundingClientRect().top + window.scrollY");
        Assert.True(toplistsTop < 1100, $"the toplists start {toplistsTop} px down the page");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Top Connections" }).ClickAsync();
        await Expect(page.Locator("[data-toplist='Top Connections'] tr.toplist-row").First).ToBeVisibleAsync(Arrival);
        var overflows = await OverflowsAsync(page);
        Assert.True(overflows.Length == 0, string.Join("; ", overflows));
        var share = await page.Locator("[data-toplist='Top Connections'] th", new() { HasText = "Share" }).BoundingBoxAsync();
        Assert.True(share is not null && share.X + share.Width <= 1366, $"the Share column ends at {share?.X + share?.Width} px");

        await page.SetViewportSizeAsync(1366, 1050);
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        Artifacts.PublishForReadme(await browser.ScreenshotAsync("sensor.png"), "sensor.png");

        await quiet.ClickAsync();
        await Expect(page.Locator(".channel-table tr.channel-quiet").First).ToBeVisibleAsync();
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task TimeZoneSwitch_LocalThenUtc_RememberedAfterReloadAndBack()
    {
        var (sensor, port) = await CreateSensorAsync("Branch office");
        using var router = new FlowSender("127.0.0.1");
        await router.PrimeAsync(port, () => Accepted(sensor) > 0);
        await using var browser = await BrowserSession.OpenAsync(app, "time-zone", timeZone: "Asia/Tokyo");
        var page = browser.Page;

        await browser.GoToAsync($"sensors/{sensor.Id}");
        var lastData = page.Locator(".sensor-last-data");
        await Expect(lastData).ToContainTextAsync("UTC+09:00");
        await Expect(page.Locator(".zone-switch")).ToContainTextAsync("Local time");

        await page.ClickAsync(".zone-switch");
        await Expect(lastData).ToContainTextAsync(" UTC)");
        await Expect(page.Locator("[data-interactive=true]")).ToHaveAttributeAsync("data-zone", "UTC");

        await browser.GoToAsync($"sensors/{sensor.Id}");
        await Expect(page.Locator(".zone-switch")).ToContainTextAsync("UTC");
        await Expect(lastData).ToContainTextAsync(" UTC)");

        // The history range is typed in the zone shown.
        await browser.GoToAsync($"sensors/{sensor.Id}/history");
        await page.Locator(".history-range .mud-toggle-item", new() { HasText = "Custom" }).ClickAsync();
        await Expect(page.Locator(".history-custom")).ToContainTextAsync("From (UTC)");
        await page.ClickAsync(".zone-switch");
        await Expect(page.Locator(".history-custom")).ToContainTextAsync("From (Asia/Tokyo)");
        await Expect(page.Locator(".history-window")).ToContainTextAsync("UTC+09:00");
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task HistoryGraph_HoverAndDragAcrossBusySpan_ValuesAtThePointAndZoomToThatSpan()
    {
        var (sensor, _) = await CreateSensorAsync("Data centre");
        var web = Core.Aggregation.SensorAggregator.BuildChannels(sensor).Channels.Single(c => c.Name == "Web").Id;

        // Two hours of minutes: 100 Mbit/s of web traffic, with ten minutes at 2.5 Gbit/s in the middle.
        var first = DateTimeOffset.FromUnixTimeSeconds((DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60) - (122 * 60));
        var rows = new List<ChannelMinute>();
        for (var m = 0; m < 120; m++)
        {
            var bytes = m is >= 60 and < 70 ? 18_750_000_000.0 : 750_000_000.0;
            rows.Add(new ChannelMinute(sensor.Id, ChannelIds.Total, first.AddMinutes(m), bytes, bytes / 1000, 100, bytes / 60));
            rows.Add(new ChannelMinute(sensor.Id, web, first.AddMinutes(m), bytes, bytes / 1000, 100, bytes / 60));
        }

        var writer = app.Service<HistoryWriter>();
        Assert.True(writer.TryWriteMinutes(rows));
        await writer.FlushAsync();

        await using var browser = await BrowserSession.OpenAsync(app, "history-hover-zoom", 1366, 1000, timeZone: "UTC");
        var page = browser.Page;
        await browser.GoToAsync($"sensors/{sensor.Id}/history?range=2h");
        var chart = page.Locator(".channel-history .traffic-chart");
        await Expect(chart).ToHaveAttributeAsync("data-unit", "Gbit/s");
        await Expect(page.Locator(".channel-history tr[data-channel=Web] .history-maximum")).ToHaveTextAsync("2.50 Gbit/s");

        // Hover: the values of the point under the mouse.
        var plot = chart.Locator(".traffic-chart-plot");
        await page.Mouse.MoveAsync(await XOfAsync(chart, first.AddMinutes(65)), await MiddleYAsync(plot));
        var hover = chart.Locator(".traffic-chart-hover");
        await Expect(hover).ToBeVisibleAsync();
        await Expect(hover).ToContainTextAsync($"{first.AddMinutes(65).UtcDateTime:yyyy-MM-dd HH:mm}");
        await Expect(hover.Locator("div", new() { HasText = "Web" })).ToContainTextAsync("2.50 Gbit/s");
        await browser.ScreenshotAsync("history-hover.png");
        await page.Mouse.MoveAsync(await XOfAsync(chart, first.AddMinutes(20)), await MiddleYAsync(plot));
        await Expect(hover.Locator("div", new() { HasText = "Web" })).ToContainTextAsync("0.10 Gbit/s");

        // Drag from minute 55 to minute 75: the page shows that span, at minute resolution, and can zoom out again.
        var pointsBefore = int.Parse((await chart.GetAttributeAsync("data-points"))!, CultureInfo.InvariantCulture);
        await page.Mouse.MoveAsync(await XOfAsync(chart, first.AddMinutes(55)), await MiddleYAsync(plot));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(await XOfAsync(chart, first.AddMinutes(75)), await MiddleYAsync(plot), new() { Steps = 8 });
        await page.Mouse.UpAsync();
        await Expect(page.Locator(".history-zoom-out")).ToBeVisibleAsync();
        await Expect(page.Locator("#history-from")).ToHaveValueAsync(AboutMinute(first.AddMinutes(55)));
        await Expect(page.Locator("#history-to")).ToHaveValueAsync(AboutMinute(first.AddMinutes(75)));
        var zoomed = int.Parse((await chart.GetAttributeAsync("data-points"))!, CultureInfo.InvariantCulture);
        Assert.InRange(zoomed, 18, 24);
        await Expect(page.Locator(".history-window")).ToContainTextAsync("resolution 1 minute");
        await browser.ScreenshotAsync("history-zoomed.png");

        await page.ClickAsync(".history-zoom-out");
        await Expect(chart).ToHaveAttributeAsync("data-points", pointsBefore.ToString(CultureInfo.InvariantCulture));
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task DarkMode_SystemDark_FollowedThenLightChosenAndRemembered()
    {
        var (sensor, port) = await CreateSensorAsync("Night shift");
        using var router = new FlowSender("127.0.0.1");
        await router.PrimeAsync(port, () => Accepted(sensor) > 0);
        await router.SendAsync(port, FlowSender.OfficeTraffic());
        await using var browser = await BrowserSession.OpenAsync(app, "dark-mode", colorScheme: ColorScheme.Dark);
        var page = browser.Page;

        await browser.GoToAsync($"sensors/{sensor.Id}");
        var frame = page.Locator("[data-interactive=true]");
        await Expect(frame).ToHaveAttributeAsync("data-theme", "dark");
        Assert.True(await BackgroundLuminanceAsync(page) < 0.2, "the dark theme's background is dark");
        await browser.ScreenshotAsync("sensor-dark.png");

        await page.ClickAsync(".theme-menu button");
        await page.ClickAsync(".theme-light");
        await Expect(frame).ToHaveAttributeAsync("data-theme", "light");
        Assert.True(await BackgroundLuminanceAsync(page) > 0.8, "the light theme's background is light");

        await browser.GoToAsync($"sensors/{sensor.Id}");
        await Expect(frame).ToHaveAttributeAsync("data-theme", "light");
        Assert.Empty(browser.Errors);
    }

    private async Task<(SensorDefinition Sensor, int Port)> CreateSensorAsync(string name)
    {
        var port = LoopbackPorts.FreeUdp();
        var sensor = new SensorDefinition { Name = name, Port = port, SenderIp = "127.0.0.1" };
        var saved = await app.Service<SensorService>().SaveSensorAsync(sensor);
        Assert.True(saved.Saved, string.Join("; ", saved.Errors));
        return (sensor, port);
    }

    private long Accepted(SensorDefinition sensor) => app.Service<SensorLiveState>().Snapshot(sensor).FlowsAccepted;

    /// <summary>The time as the custom range shows it, give or take a minute (a drag lands between pixels).</summary>
    private static System.Text.RegularExpressions.Regex AboutMinute(DateTimeOffset at) =>
        new("^(" + string.Join("|", new[] { -1, 0, 1 }.Select(d => at.AddMinutes(d).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))) + ")$");

    private static string BerlinSuffix(DateTimeOffset at) =>
        TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin").GetUtcOffset(at) == TimeSpan.FromHours(2) ? "UTC+02:00" : "UTC+01:00";

    /// <summary>The page x of the graph point at a time (from the chart's first point and step).</summary>
    private static async Task<float> XOfAsync(ILocator chart, DateTimeOffset at)
    {
        var start = long.Parse((await chart.GetAttributeAsync("data-start"))!, CultureInfo.InvariantCulture);
        var step = long.Parse((await chart.GetAttributeAsync("data-step"))!, CultureInfo.InvariantCulture);
        var points = int.Parse((await chart.GetAttributeAsync("data-points"))!, CultureInfo.InvariantCulture);
        var box = (await chart.Locator(".traffic-chart-plot").BoundingBoxAsync())!;
        var index = (at.ToUnixTimeMilliseconds() - start) / (double)step;
        return (float)(box.X + (box.Width * index / (points - 1)));
    }

    private static async Task<float> MiddleYAsync(ILocator plot)
    {
        var box = (await plot.BoundingBoxAsync())!;
        return box.Y + (box.Height / 2);
    }

    /// <summary>Tables, and the page itself, wider than the space they have: each one that scrolls sideways, as "what: scroll width > width".</summary>
    private static Task<string[]> OverflowsAsync(IPage page) => page.EvaluateAsync<string[]>("""
        () => {
          const bad = [];
          const root = document.documentElement;
          if (root.scrollWidth > root.clientWidth + 1) { bad.push(`page: ${root.scrollWidth} > ${root.clientWidth}`); }
          document.querySelectorAll("table").forEach(t => {
            if (t.offsetParent === null) { return; }
            const box = t.getBoundingClientRect();
            if (box.right > root.clientWidth + 1) { bad.push(`${t.className || "table"}: ends at ${box.right}`); }
            for (let p = t.parentElement; p && p !== document.body; p = p.parentElement) {
              if (p.scrollWidth > p.clientWidth + 1 && getComputedStyle(p).overflowX !== "visible") {
                bad.push(`${t.className || "table"} in ${p.className}: ${p.scrollWidth} > ${p.clientWidth}`);
                break;
              }
            }
          });
          return bad;
        }
        """);

    /// <summary>Relative luminance (0 black, 1 white) of the main content's background.</summary>
    private static Task<double> BackgroundLuminanceAsync(IPage page) => page.EvaluateAsync<double>("""
        () => {
          const color = getComputedStyle(document.querySelector(".mud-main-content") || document.body).backgroundColor;
          let [r, g, b] = color.match(/[0-9.]+/g).map(Number);
          if (color.startsWith("rgba") && Number(color.match(/[0-9.]+/g)[3]) === 0) {
            [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/[0-9.]+/g).map(Number);
          }
          return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
        }
        """);
}
