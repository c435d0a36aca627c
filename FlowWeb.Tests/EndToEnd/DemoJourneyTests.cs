using System.Net;
using FlowWeb.Core.Demo;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// Demo mode turned off leaves nothing behind: the app run once with demo mode on (it creates the demo device and
/// sensor) and started again on the same data directory without it shows neither, and a real exporter on the same
/// host (127.0.0.1, the demo sensor's sender, on the default port) is reported as sending flows no sensor receives
/// instead of being counted by a left-over demo sensor.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DemoJourneyTests(BrowserAppFixture browserApp) : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("flowweb-demo-off-").FullName;
    private readonly int _defaultPort = LoopbackPorts.FreeUdp();

    [Fact]
    public async Task DemoModeTurnedOff_RestartWithoutDemo_DemoDeviceAndSensorGoneAndLocalExporterNotCaught()
    {
        await using (var demo = new FlowWebFactory(_dataDirectory, _defaultPort))
        {
            demo.Settings["Demo:Enabled"] = "true";
            using var client = demo.CreateClient();
            var sensors = demo.Services.GetRequiredService<SensorService>();
            Assert.Contains(await sensors.ListSensorsAsync(), s => s.Name == DemoExporterService.SensorName);
            Assert.Contains(await sensors.ListDevicesAsync(), d => d.Name == DemoExporterService.DeviceName);
        }

        await using var plain = new FlowWebFactory(_dataDirectory, _defaultPort);
        plain.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        plain.StartServer();
        Assert.Empty(await plain.Services.GetRequiredService<SensorService>().ListSensorsAsync());
        Assert.Empty(await plain.Services.GetRequiredService<SensorService>().ListDevicesAsync());
        Assert.Contains(plain.Logs.Events, e => e.Message.StartsWith($"Demo mode is off: removed the demo sensor \"{DemoExporterService.SensorName}\"", StringComparison.Ordinal));

        var address = plain.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await using var browser = await BrowserSession.OpenAsync(browserApp.Browser, new Uri(address + "/"), "demo-off");
        var page = browser.Page;
        using var router = new FlowSender("127.0.0.1");
        await router.SendAsync(_defaultPort, [FlowSender.Flow("10.1.1.1", 40000, "198.51.100.7", 443, 6, 5_000, 5)]);

        await browser.GoToAsync("");
        await Expect(page.Locator(".unassigned-banner")).ToContainTextAsync("127.0.0.1", new() { Timeout = 8_000 });
        await Expect(page.GetByText(DemoExporterService.DeviceName)).ToHaveCountAsync(0);
        await Expect(page.GetByText(DemoExporterService.SensorName)).ToHaveCountAsync(0);
        await Expect(page.Locator(".empty-state")).ToContainTextAsync("No sensors yet");
        await browser.ScreenshotAsync("demo-off.png");
        Assert.Empty(browser.Errors);
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);
}
