using System.Net;
using System.Net.Sockets;
using FlowWeb.Api;
using FlowWeb.Tests.Api;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Live;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Web;

/// <summary>Real datagrams over UDP on 127.0.0.1 into the running app, read back through its services and pages.</summary>
public sealed class CollectorEndToEndTests : IDisposable
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(10);
    private static readonly FlowAddress Loopback = FlowAddress.Parse("127.0.0.1");

    private readonly FlowWebFactory _factory = new();
    private readonly HttpClient _client;

    public CollectorEndToEndTests() => _client = _factory.CreateClient();

    [Fact]
    public async Task Exporters_NetFlowV5DatagramOverUdp_ListedWithVersionAndFlowCount()
    {
        await SendAsync(NetFlowV5Datagram.Build(records: 3));

        var live = _factory.Services.GetRequiredService<SensorLiveState>();
        Assert.True(await Eventually.TrueAsync(() => live.Exporter(Loopback)?.Flows == 3, Arrival), "the datagram's 3 flows never showed up");
        var exporter = Assert.Single(live.Exporters());
        Assert.Equal(Loopback, exporter.Address);
        Assert.Equal(5, exporter.Version);
        Assert.Equal(1, exporter.Datagrams);
        Assert.Equal(0, exporter.DecodeErrors);

        await TestAccounts.SignInAsync(_client);
        // The page is paged on the server: its first HTML names the count, and the grid loads its rows from the same
        // query the list API answers (ExporterQueryService) once the circuit runs (rows in Chromium: ExportersAtScaleTests).
        var html = await _client.GetStringAsync(new Uri("/exporters", UriKind.Relative));
        Assert.Contains("data-total=\"1\"", html, StringComparison.Ordinal);
        Assert.Contains(">1 exporters<", html, StringComparison.Ordinal);
        var listed = Assert.Single(await _client.GetAsync<ExporterResponse[]>("/api/exporters?search=127.0.0.1"));
        Assert.Equal(("127.0.0.1", "NetFlow v5", 3L), (listed.Address, listed.Protocol, listed.Flows));
    }

    [Fact]
    public async Task Exporters_MalformedDatagram_CountedAsDecodeErrorWithReason()
    {
        // One socket: both datagrams take the same path to the same receive thread.
        await SendAsync(NetFlowV5Datagram.Build(records: 2), NetFlowV5Datagram.Build(records: 2).AsSpan(0, 30).ToArray()); // header says 2 records, carries none

        var live = _factory.Services.GetRequiredService<SensorLiveState>();
        Assert.True(await Eventually.TrueAsync(() => live.Exporter(Loopback)?.Datagrams >= 2, Arrival),
            $"both datagrams should arrive: exporters {string.Join(", ", live.Exporters().Select(e => $"{e.Address} {e.Datagrams} datagrams {e.DecodeErrors} errors"))}; collector {_factory.Services.GetRequiredService<CollectorStatus>().Datagrams} datagrams");
        var exporter = live.Exporter(Loopback)!;
        Assert.Equal(2, exporter.Datagrams);
        Assert.Equal(2, exporter.Flows);
        Assert.Equal(1, exporter.DecodeErrors);
        Assert.Equal(1, exporter.ErrorsByReason[DecodeStatus.LengthMismatch]);
        Assert.Equal(2, _factory.Services.GetRequiredService<CollectorStatus>().Datagrams);
    }

    [Fact]
    public async Task Health_CollectorListening_Returns200Healthy()
    {
        using var response = await _client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        Assert.Equal(_factory.UdpPort, _factory.Services.GetRequiredService<CollectorStatus>().ListeningOn?.Port);
    }

    [Fact]
    public async Task ExportersPage_NoExporterYet_ExplainsWhichUdpPortToUse()
    {
        await TestAccounts.SignInAsync(_client);
        var html = await _client.GetStringAsync(new Uri("/exporters", UriKind.Relative));

        Assert.Contains("No exporter has sent flows yet", html, StringComparison.Ordinal);
        Assert.Contains($"UDP port {_factory.UdpPort}", html, StringComparison.Ordinal);
        Assert.Contains("FlowWeb", html, StringComparison.Ordinal);
    }

    private async Task SendAsync(params byte[][] datagrams)
    {
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        foreach (var datagram in datagrams)
        {
            await sender.SendToAsync(datagram, new IPEndPoint(IPAddress.Loopback, _factory.UdpPort));
        }
    }

    /// <summary>The Flows cell of the exporters table holding exactly <paramref name="flows"/>.</summary>
    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }
}
