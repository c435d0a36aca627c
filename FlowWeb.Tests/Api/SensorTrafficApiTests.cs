using System.Net;
using FlowWeb.Api;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Api;

/// <summary>Real NetFlow v9 datagrams over UDP on 127.0.0.1 to a sensor created through the API, read back through the API.</summary>
public sealed class SensorTrafficApiTests : IDisposable
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(10);

    // A download of 500,000 bytes in three records, DNS, SSH and ping: 10 flows, 531,440 bytes.
    private const long DownloadBytes = 500_000;
    private const long TotalBytes = DownloadBytes + 600 + 30_000 + 840;

    private readonly FlowWebFactory _factory = new();

    [Fact]
    public async Task Toplists_DatagramsToCreatedSensor_TopConnectionWithExactBytesAndSharedColumns()
    {
        using var client = _factory.CreateClient();
        var port = LoopbackPorts.FreeUdp();
        var sensor = await CreateSensorAsync(client, port);
        using var sender = new RouterOsSender(port, DateTimeOffset.UtcNow);

        await sender.SendAsync(Traffic(sender));

        var connections = await ToplistWhenCountedAsync(client, sensor.Id, 2);
        Assert.True(connections.Running);
        Assert.Equal((TotalBytes, 10L, false, 0L), (connections.TotalBytes, connections.TotalFlows, connections.Approximate, connections.ErrorBound));
        var top = connections.Rows[0];
        Assert.Equal(1, top.Rank);
        Assert.Equal(("192.168.88.10", "203.0.113.7", 50_000, 443), (top.SourceAddress, top.DestinationAddress, top.SourcePort, top.DestinationPort));
        Assert.Equal((6, "TCP"), (top.Protocol, top.ProtocolName));
        Assert.Equal((DownloadBytes, 400L, 3L), (top.Bytes, top.Packets, top.Flows));
        Assert.Equal((double)DownloadBytes / TotalBytes, top.Share, 9);
        Assert.False(top.Approximate);
        Assert.Equal("192.168.88.10:50000 -> 203.0.113.7:443 TCP", top.Label);
        Assert.Null(top.Address);

        var protocols = await client.GetAsync<ToplistResponse>($"/api/sensors/{sensor.Id}/toplists/3");
        Assert.Equal(["TCP/443", "TCP/22", "ICMP", "UDP/53"], protocols.Rows.Select(r => r.Label));
        Assert.Equal((17, "UDP", 53, 600L, 5L), (protocols.Rows[3].Protocol, protocols.Rows[3].ProtocolName, protocols.Rows[3].Port, protocols.Rows[3].Bytes, protocols.Rows[3].Flows));
        Assert.Null(protocols.Rows[2].Port);

        var talkers = await client.GetAsync<ToplistResponse>($"/api/sensors/{sensor.Id}/toplists/1?count=1");
        var talker = Assert.Single(talkers.Rows);
        Assert.Equal(("192.168.88.10", "203.0.113.7", DownloadBytes), (talker.Address, talker.PeerAddress, talker.Bytes));
    }

    [Fact]
    public async Task Channels_DatagramsToCreatedSensor_SeriesAndCurrentValuesInBitsPerSecond()
    {
        using var client = _factory.CreateClient();
        var port = LoopbackPorts.FreeUdp();
        var sensor = await CreateSensorAsync(client, port);
        using var sender = new RouterOsSender(port, DateTimeOffset.UtcNow);

        await sender.SendAsync(Traffic(sender));
        await ToplistWhenCountedAsync(client, sensor.Id, 2);

        var series = await client.GetAsync<SensorSeriesResponse>($"/api/sensors/{sensor.Id}/series?seconds=30");
        Assert.Equal(30, series.Seconds);
        Assert.All(series.Channels, c => Assert.Equal(30, c.BitsPerSecond.Length));
        double Bits(int channel) => series.Channels.Single(c => c.Id == channel).BitsPerSecond.Sum();
        Assert.Equal(TotalBytes * 8, Bits(ChannelIds.Total), 6);
        Assert.Equal(DownloadBytes * 8, Bits(100), 6);           // Web
        Assert.Equal(30_000 * 8, Bits(500), 6);                  // Remote Control (SSH)
        Assert.Equal((600 + 840) * 8, Bits(600), 6);             // Infrastructure (DNS, ICMP)
        Assert.Equal(10, series.Channels.Single(c => c.Id == ChannelIds.Total).FlowsPerSecond.Sum(), 6);

        // Current values average the last five complete seconds: once the arrival second is complete, total/5.
        var expected = TotalBytes * 8 / 5.0;
        var live = await Poll.UntilAsync(() => client.GetAsync<SensorLiveResponse>($"/api/sensors/{sensor.Id}/live"),
            l => Math.Abs(Total(l) - expected) < 1e-6, Arrival, l => $"current total is {Total(l)} bit/s, not {expected}");
        Assert.Equal(SensorState.Up, live.State);
        Assert.Equal((10L, (double)TotalBytes), (live.FlowsAccepted, live.Bytes));
        Assert.Contains(live.Channels, c => c.Name == "Web" && Math.Abs(c.BitsPerSecond - (DownloadBytes * 8 / 5.0)) < 1e-6);

        var exporter = Assert.Single(await client.GetAsync<ExporterResponse[]>("/api/exporters"), e => e.Address == "127.0.0.1");
        Assert.Equal((9, "NetFlow v9", 10L, 0L), (exporter.Version, exporter.Protocol, exporter.Flows, exporter.DecodeErrors));
        var single = await client.GetAsync<ExporterResponse>("/api/exporters/127.0.0.1");
        Assert.Equal(exporter, single with { ErrorsByReason = exporter.ErrorsByReason, Streams = exporter.Streams });

        // One stream: NetFlow v9, source id 0, heard on the sensor's port.
        var stream = Assert.Single(single.Streams);
        Assert.Equal((port, 9, 0u, 1L, 10L), (stream.Port, stream.Version, stream.Domain, stream.Datagrams, stream.Flows));
        Assert.Equal(exporter.Streams, single.Streams);
    }

    [Fact]
    public async Task Toplist_PeriodCompletedOnTheClock_ReadByItsStart()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2025-03-01T10:05:30Z", System.Globalization.CultureInfo.InvariantCulture));
        using var factory = _factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        using var client = factory.CreateClient();
        var port = LoopbackPorts.FreeUdp();
        var sensor = await CreateSensorAsync(client, port);
        using var sender = new RouterOsSender(port, clock.GetUtcNow());
        await sender.SendAsync(Traffic(sender));
        var running = await ToplistWhenCountedAsync(client, sensor.Id, 2);
        Assert.Equal(DateTimeOffset.Parse("2025-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), running.PeriodStart);

        clock.Advance(TimeSpan.FromMinutes(15));

        var summary = await Poll.UntilAsync(
            async () => (await client.GetAsync<ToplistSummaryResponse[]>($"/api/sensors/{sensor.Id}/toplists")).Single(t => t.Id == 2),
            t => t.CompletedPeriodStarts.Count == 1, Arrival, t => $"completed periods: {t.CompletedPeriodStarts.Count}");
        Assert.Equal(running.PeriodStart, Assert.Single(summary.CompletedPeriodStarts));
        Assert.Equal(running.PeriodStart.AddMinutes(15), summary.RunningPeriodStart);

        var completed = await client.GetAsync<ToplistResponse>($"/api/sensors/{sensor.Id}/toplists/2?periodStart=2025-03-01T10:00:00Z");
        Assert.False(completed.Running);
        Assert.Equal((running.PeriodStart, running.PeriodStart.AddMinutes(15)), (completed.PeriodStart, completed.PeriodEnd));
        Assert.Equal((TotalBytes, DownloadBytes), (completed.TotalBytes, completed.Rows[0].Bytes));
        Assert.Equal(0, (await client.GetAsync<ToplistResponse>($"/api/sensors/{sensor.Id}/toplists/2")).TotalFlows);
        using var missing = await client.GetAsync(ApiJson.Url($"/api/sensors/{sensor.Id}/toplists/2?periodStart=2025-03-01T09:45:00Z"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static FlowRecord[] Traffic(RouterOsSender s) =>
    [
        s.Flow("192.168.88.10", 50_000, "203.0.113.7", 443, 6, 150_000, 120),
        s.Flow("192.168.88.10", 50_000, "203.0.113.7", 443, 6, 250_000, 200),
        s.Flow("192.168.88.10", 50_000, "203.0.113.7", 443, 6, 100_000, 80),
        .. Enumerable.Range(0, 5).Select(i => s.Flow("192.168.88.11", (ushort)(40_000 + i), "198.51.100.53", 53, 17, 120, 1)),
        s.Flow("192.168.88.12", 51_000, "203.0.113.8", 22, 6, 30_000, 100),
        s.Flow("192.168.88.13", 0, "203.0.113.9", 2048, 1, 840, 10),
    ];

    private static double Total(SensorLiveResponse live) => live.Channels.Single(c => c.Id == ChannelIds.Total).BitsPerSecond;

    /// <summary>A sensor that books flows at arrival (active flow timeout 0), so every byte is in the live window at once.</summary>
    private static async Task<SensorResponse> CreateSensorAsync(HttpClient client, int port)
    {
        using var response = await client.PostJsonAsync("/api/sensors",
            new SensorRequest { Name = "Loopback router", Port = port, SenderIp = "127.0.0.1", ActiveFlowTimeoutMinutes = 0 });
        return await response.ReadAsync<SensorResponse>(HttpStatusCode.Created);
    }

    private static async Task<ToplistResponse> ToplistWhenCountedAsync(HttpClient client, Guid sensor, int toplist)
    {
        var result = await Poll.UntilAsync(() => client.GetAsync<ToplistResponse>($"/api/sensors/{sensor}/toplists/{toplist}"),
            t => t.TotalFlows == 10, Arrival, t => $"the toplist has {t.TotalFlows} of 10 flows");
        return result;
    }

    public void Dispose() => _factory.Dispose();
}
