using System.Globalization;
using FlowWeb.Api;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Demo;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FlowWeb.Tests.Demo;

/// <summary>The whole app in demo mode: the simulated MikroTik sends over UDP on 127.0.0.1 to the app's own collector.</summary>
public sealed class DemoModeTests
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("NetFlowV9", 9, ExpectedProtocol.NetFlowV9)]
    [InlineData("Ipfix", 10, ExpectedProtocol.Ipfix)]
    public async Task DemoMode_Started_CreatesMarkedDeviceAndSensorThatReceivesVariedTraffic(string protocol, int version, ExpectedProtocol expected)
    {
        using var factory = new FlowWebFactory();
        factory.Settings["Demo:Enabled"] = "true";
        factory.Settings["Demo:Protocol"] = protocol;
        factory.Settings["Demo:Seed"] = "7";
        using var client = factory.CreateClient();

        var device = Assert.Single(await client.GetAsync<DeviceResponse[]>("/api/devices"));
        Assert.Equal(DemoExporterService.DeviceName, device.Name);
        Assert.Equal("127.0.0.1", device.Address);
        Assert.Contains("Simulated", device.Notes, StringComparison.Ordinal);
        var sensor = Assert.Single(await client.GetAsync<SensorResponse[]>("/api/sensors"));
        Assert.Equal((DemoExporterService.SensorName, device.Id, factory.UdpPort, "127.0.0.1", expected), (sensor.Name, sensor.DeviceId, sensor.Port, sensor.SenderIp, sensor.Protocol));
        Assert.Equal(["demo"], sensor.Tags);

        var series = await Poll.UntilAsync(() => client.GetAsync<SensorSeriesResponse>($"/api/sensors/{sensor.Id}/series?seconds=20"),
            s => ActiveChannels(s).Count >= 5, Arrival, s => $"channels with traffic: {string.Join(", ", ActiveChannels(s))}");
        Assert.Contains("HTTPS", ActiveChannels(series));
        Assert.Contains("DNS", ActiveChannels(series));

        var live = await client.GetAsync<SensorLiveResponse>($"/api/sensors/{sensor.Id}/live");
        Assert.Equal(SensorState.Up, live.State);
        Assert.True(live.FlowsAccepted > 10, $"{live.FlowsAccepted} flows");
        var connections = await client.GetAsync<ToplistResponse>($"/api/sensors/{sensor.Id}/toplists/2?count=5");
        Assert.True(connections.DistinctKeys > 10, $"{connections.DistinctKeys} distinct connections");
        var exporter = Assert.Single(await client.GetAsync<ExporterResponse[]>("/api/exporters"));
        Assert.Equal(("127.0.0.1", version, 0L), (exporter.Address, exporter.Version, exporter.DecodeErrors));
    }

    [Fact]
    public async Task DemoMode_EnvironmentVariableSetting_TurnsItOn()
    {
        using var factory = new FlowWebFactory();
        factory.Settings[DemoOptions.EnvironmentVariable] = "true";
        using var client = factory.CreateClient();

        Assert.Single(factory.Services.GetServices<IHostedService>().OfType<DemoExporterService>());
        Assert.Equal(DemoExporterService.SensorName, Assert.Single(await client.GetAsync<SensorResponse[]>("/api/sensors")).Name);
    }

    [Fact]
    public async Task DemoMode_NotAskedFor_NoSimulatedRouterDeviceOrSensor()
    {
        using var factory = new FlowWebFactory();
        using var client = factory.CreateClient();

        Assert.Empty(factory.Services.GetServices<IHostedService>().OfType<DemoExporterService>());
        Assert.Empty(await client.GetAsync<DeviceResponse[]>("/api/devices"));
        Assert.Empty(await client.GetAsync<SensorResponse[]>("/api/sensors"));
    }

    [Fact]
    public async Task DemoMode_DemoSensorAlreadyThere_NotCreatedTwice()
    {
        using var factory = new FlowWebFactory();
        factory.Settings["Demo:Enabled"] = "true";
        factory.Settings["Devices:0:Name"] = DemoExporterService.DeviceName;
        factory.Settings["Devices:0:Address"] = "127.0.0.1";
        factory.Settings["Sensors:0:Name"] = DemoExporterService.SensorName;
        factory.Settings["Sensors:0:Port"] = factory.UdpPort.ToString(CultureInfo.InvariantCulture);
        using var client = factory.CreateClient();

        Assert.Single(await client.GetAsync<DeviceResponse[]>("/api/devices"));
        Assert.Empty(Assert.Single(await client.GetAsync<SensorResponse[]>("/api/sensors")).Tags);
    }

    /// <summary>Channels other than Total that counted bytes in the series.</summary>
    private static List<string> ActiveChannels(SensorSeriesResponse series) =>
        [.. series.Channels.Where(c => c.Id != ChannelIds.Total && c.BitsPerSecond.Sum() > 0).Select(c => c.Name)];
}
