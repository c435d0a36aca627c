using System.Net;
using FlowWeb.Api;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Interfaces;
using FlowWeb.Tests.Web;

namespace FlowWeb.Tests.Api;

/// <summary>
/// A device's interface names through the API of the real app on a real SQLite file: replaced as a list (a row not
/// listed goes), checked with every problem named, kept across a restart, and gone with their device.
/// </summary>
public sealed class InterfaceApiTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("flowweb-interfaces-").FullName;
    private readonly int _port = LoopbackPorts.FreeUdp();

    [Fact]
    public async Task Interfaces_ReplacedValidatedKeptAcrossRestartAndDeletedWithDevice()
    {
        Guid device;
        await using (var app = new FlowWebFactory(_dataDirectory, _port))
        {
            using var client = app.CreateClient();
            using var created = await client.PostJsonAsync("/api/devices", new DeviceRequest { Name = "edge-1", Address = "192.0.2.7" });
            device = (await created.ReadAsync<DeviceResponse>(HttpStatusCode.Created)).Id;
            Assert.Empty(await client.GetAsync<InterfaceDto[]>($"/api/devices/{device}/interfaces"));

            using var first = await client.PutJsonAsync($"/api/devices/{device}/interfaces", new[]
            {
                new InterfaceDto(2, "ether2", "LAN", 1_000_000_000),
                new InterfaceDto(1, " ether1 ", "uplink to ISP", 10_000_000_000),
                new InterfaceDto(7, "wlan1"),
            });
            Assert.Equal([1u, 2u, 7u], (await first.ReadAsync<InterfaceDto[]>(HttpStatusCode.OK)).Select(i => i.IfIndex));

            // Replacing: ether2 renamed, wlan1 gone, a bridge added.
            using var second = await client.PutJsonAsync($"/api/devices/{device}/interfaces", new[]
            {
                new InterfaceDto(1, "ether1", "uplink to ISP", 10_000_000_000),
                new InterfaceDto(2, "ether2-lan", "LAN", 1_000_000_000),
                new InterfaceDto(12, "bridge"),
            });
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);

            using var bad = await client.PutJsonAsync($"/api/devices/{device}/interfaces", new[]
            {
                new InterfaceDto(3, ""),
                new InterfaceDto(3, "dup", SpeedBitsPerSecond: -5),
                new InterfaceDto(4, new string('x', 65)),
            });
            var problem = await bad.ValidationProblemAsync();
            Assert.Equal(["ifIndex 3 needs a name"], problem.Errors["interfaces[0].name"]);
            Assert.Equal(["ifIndex 3 is listed twice"], problem.Errors["interfaces[1].ifIndex"]);
            Assert.Equal(["must be 0 (unknown) to 10 Tbit/s"], problem.Errors["interfaces[1].speedBitsPerSecond"]);
            Assert.Equal(["at most 64 characters, no control characters"], problem.Errors["interfaces[2].name"]);
            using var unknown = await client.GetAsync(ApiJson.Url($"/api/devices/{Guid.NewGuid()}/interfaces"));
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        await using (var app = new FlowWebFactory(_dataDirectory, _port))
        {
            using var client = app.CreateClient();
            var stored = await client.GetAsync<InterfaceDto[]>($"/api/devices/{device}/interfaces");
            Assert.Equal(
                [(1u, "ether1", "uplink to ISP", 10_000_000_000L, InterfaceSource.Manual), (2u, "ether2-lan", "LAN", 1_000_000_000L, InterfaceSource.Manual), (12u, "bridge", "", 0L, InterfaceSource.Manual)],
                stored.Select(i => (i.IfIndex, i.Name, i.Description ?? "", i.SpeedBitsPerSecond, i.Source)));

            using var deleted = await client.DeleteAsync(ApiJson.Url($"/api/devices/{device}"));
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            var store = (IInterfaceStore)app.Services.GetService(typeof(IInterfaceStore))!;
            Assert.DoesNotContain(device, (await store.GetAllAsync()).Keys);
        }
    }

    /// <summary>
    /// A router that names its interfaces in v9 options data, over real UDP: the device's interface list shows them
    /// as learned from the router; a typed name for the same ifIndex wins, and the others stay learned.
    /// </summary>
    [Fact]
    public async Task Interfaces_AnnouncedInOptionsData_AreShownAsLearnedAndATypedNameWins()
    {
        await using var app = new FlowWebFactory(_dataDirectory, _port);
        using var client = app.CreateClient();
        using var created = await client.PostJsonAsync("/api/devices", new DeviceRequest { Name = "pe-1", Address = "127.0.0.41" });
        var device = (await created.ReadAsync<DeviceResponse>(HttpStatusCode.Created)).Id;

        var boot = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        var exporter = new FlowExporterSimulator(ExportProtocol.NetFlowV9, boot, RouterOsTemplates.Ros7NetFlowV9IPv4)
        {
            OptionsTemplate = new FlowTemplate(300, [new(2, 4), new(82, 16), new(83, 32)], scopeFieldCount: 1, isOptions: true, scopesAreV9Types: true),
        };
        exporter.OptionsRecords.Add(Interface(1, "Gi0/0/1", "uplink to AS64500"));
        exporter.OptionsRecords.Add(Interface(2, "Gi0/0/2", "customers"));
        using (var router = new EndToEnd.FlowSender("127.0.0.41", exporter))
        {
            await router.SendAsync(app.UdpPort, [EndToEnd.FlowSender.Flow("10.1.1.1", 1000, "192.0.2.1", 80, 6, 1_000, 2)]);
        }

        var learned = await Poll.UntilAsync(() => client.GetAsync<InterfaceDto[]>($"/api/devices/{device}/interfaces"), l => l.Length == 2,
            TimeSpan.FromSeconds(15), l => $"{l.Length} interfaces");
        Assert.Equal(
            [(1u, "Gi0/0/1", "uplink to AS64500", InterfaceSource.Exporter), (2u, "Gi0/0/2", "customers", InterfaceSource.Exporter)],
            learned.Select(i => (i.IfIndex, i.Name, i.Description ?? "", i.Source)));

        using var typed = await client.PutJsonAsync($"/api/devices/{device}/interfaces", new[] { new InterfaceDto(2, "customer-lag", "", 20_000_000_000) });
        Assert.Equal(
            [(1u, "Gi0/0/1", InterfaceSource.Exporter), (2u, "customer-lag", InterfaceSource.Manual)],
            (await typed.ReadAsync<InterfaceDto[]>(HttpStatusCode.OK)).Select(i => (i.IfIndex, i.Name, i.Source)));
    }

    private static ElementValues Interface(uint ifIndex, string name, string description) => new ElementValues()
        .SetUnsigned(2, ifIndex)
        .SetString(82, name.PadRight(16, '\0'))
        .SetString(83, description.PadRight(32, '\0'));

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);
}
