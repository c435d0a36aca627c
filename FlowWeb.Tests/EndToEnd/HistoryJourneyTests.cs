using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// History in a real Chromium: flows sent to a sensor of the real app reach the database when it stops gracefully
/// (the running minute and toplist periods are written at shutdown; waiting for a 15-minute period to close would be
/// the slow way to the same rows); the app started again on the same data directory shows them on the device's and
/// the sensor's history pages, and the CSV downloads carry the bytes that were sent.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class HistoryJourneyTests(BrowserAppFixture browserApp) : IDisposable
{
    private const long BigFlowBytes = 7_654_321;

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("flowweb-history-").FullName;
    private readonly int _defaultPort = LoopbackPorts.FreeUdp();
    private readonly int _sensorPort = LoopbackPorts.FreeUdp();

    [Fact]
    public async Task HistoryPages_FlowsStoredAtGracefulStop_GraphToplistHistoryAndCsvDownloadsWithSentBytes()
    {
        using var router = new FlowSender("127.0.0.1");
        List<Core.Flows.FlowRecord> flows = [.. FlowSender.OfficeTraffic(), FlowSender.Flow("10.1.2.3", 51515, "192.0.2.80", 443, 6, BigFlowBytes, 5_300, seconds: 60)];
        var sentBytes = flows.Sum(f => (double)f.Bytes);
        var device = new DeviceDefinition { Name = "History router", Address = "127.0.0.1" };
        var sensor = new SensorDefinition { Name = "History router traffic", Port = _sensorPort, SenderIp = "127.0.0.1", DeviceId = device.Id };

        await using (var first = new FlowWebFactory(_dataDirectory, _defaultPort))
        {
            var service = first.Services.GetRequiredService<SensorService>();
            Assert.True((await service.SaveDeviceAsync(device)).Saved);
            Assert.True((await service.SaveSensorAsync(sensor)).Saved);
            var live = first.Services.GetRequiredService<SensorLiveState>();
            await router.SendAsync(_sensorPort, flows);
            Assert.True(await Eventually.TrueAsync(() => live.Snapshot(sensor).FlowsAccepted == flows.Count, TimeSpan.FromSeconds(10)), "the flows never arrived");
        }

        await using var second = new FlowWebFactory(_dataDirectory, _defaultPort);
        second.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        second.StartServer();
        var address = second.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await using var browser = await BrowserSession.OpenAsync(browserApp.Browser, new Uri(address + "/"), "history", height: 1500);
        var page = browser.Page;

        // The device's History button on the Devices page: its sensors summed.
        await browser.GoToAsync("");
        await page.Locator($"[data-device='{device.Name}'] .device-history-button").ClickAsync();
        await Expect(page).ToHaveURLAsync(DeviceHistoryUrl());
        await Expect(page.Locator(".channel-history .traffic-chart")).Not.ToHaveAttributeAsync("data-max-bits", "0");
        Assert.Equal(sentBytes, await TotalVolumeAsync(page), 3);

        // The sensor page's History button.
        await browser.GoToAsync($"sensors/{sensor.Id}");
        await page.ClickAsync(".sensor-history-button");
        await Expect(page).ToHaveURLAsync(SensorHistoryUrl());
        await Expect(page.Locator(".channel-history .traffic-chart")).Not.ToHaveAttributeAsync("data-max-bits", "0");
        Assert.Equal(sentBytes, await TotalVolumeAsync(page), 3);
        await Expect(page.Locator(".history-window")).ToContainTextAsync("resolution 1 minute");

        var history = page.Locator(".toplist-history");
        await history.GetByRole(AriaRole.Tab, new() { Name = "Top Connections" }).ClickAsync();
        var row = history.Locator("[data-toplist='Top Connections'] tr.toplist-row", new() { Has = page.Locator("td:text-is('10.1.2.3')") });
        await Expect(row).ToBeVisibleAsync();
        Assert.Equal(["10.1.2.3", "51515", "192.0.2.80", "443", "TCP"], await row.Locator("td.toplist-key").AllInnerTextsAsync());
        Assert.Equal(BigFlowBytes.ToString(CultureInfo.InvariantCulture), await row.Locator("[data-bytes]").GetAttributeAsync("data-bytes"));
        Artifacts.PublishForReadme(await browser.ScreenshotAsync("history.png"), "history.png");

        var channels = await DownloadAsync(page, ".channel-history .history-csv");
        Assert.Equal(Core.Storage.History.HistoryCsv.ChannelHeader, channels[0]);
        var totalLines = channels.Skip(1).Select(l => l.Split(',')).Where(c => c[2] == "-1").ToList();
        Assert.All(totalLines, c => Assert.Equal("Total", c[3]));
        // CSV byte counts are whole bytes per row; a flow spread over several minutes leaves fractions, each rounded.
        var csvBytes = totalLines.Sum(c => double.Parse(c[4], CultureInfo.InvariantCulture));
        Assert.InRange(csvBytes, sentBytes - (totalLines.Count * 0.5), sentBytes + (totalLines.Count * 0.5));

        var toplist = await DownloadAsync(page, ".toplist-history-csv");
        Assert.Equal(Core.Storage.History.HistoryCsv.ToplistHeader, toplist[0]);
        Assert.Contains(toplist, l => l.Contains($",10.1.2.3,192.0.2.80,51515,443,6,0,0,{BigFlowBytes},5300,1,0,", StringComparison.Ordinal));
        Assert.Equal(flows.Count, toplist.Skip(1).Sum(l => long.Parse(l.Split(',')[12], CultureInfo.InvariantCulture)));

        Assert.Empty(browser.Errors);
    }

    /// <summary>The Total row's volume on a history page: every stored byte of the range.</summary>
    private static async Task<double> TotalVolumeAsync(IPage page) =>
        double.Parse((await page.Locator(".channel-history tr[data-channel='Total'] .history-volume").GetAttributeAsync("data-bytes"))!, CultureInfo.InvariantCulture);

    /// <summary>Clicks a download button and reads the file the browser saved, line by line.</summary>
    private static async Task<string[]> DownloadAsync(IPage page, string selector)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync(selector));
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var text = await File.ReadAllTextAsync((await download.PathAsync())!);
        return text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }

    [GeneratedRegex(@"/devices/[0-9a-f-]{36}/history$")]
    private static partial Regex DeviceHistoryUrl();

    [GeneratedRegex(@"/sensors/[0-9a-f-]{36}/history$")]
    private static partial Regex SensorHistoryUrl();

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);
}
