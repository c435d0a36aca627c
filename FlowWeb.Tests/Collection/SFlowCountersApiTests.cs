using System.Buffers.Binary;
using System.Text.Json;
using FlowWeb.Api;
using FlowWeb.Core.Capture;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Xunit;
using static FlowWeb.Tests.Collection.CollectorHarness;

namespace FlowWeb.Tests.Collection;

/// <summary>
/// The 10 Gbit/s switch capture's datagrams over UDP to the app's sFlow port: the interface counters the device
/// page shows (read from the live frame, through the exporters API here) equal tshark's reading of the last
/// counters sample, and the rates are the octet deltas of tshark's last two samples over the agent's uptime
/// difference (read from the two datagrams' headers).
/// </summary>
public sealed class SFlowCountersApiTests : IDisposable
{
    private const string File10G = "switch-10g-2021";
    private readonly FlowWebFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static string TestData(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);

    [Fact]
    public async Task CountersSamples_OverUdp_LatestCountersAndRatesMatchTshark()
    {
        var datagrams = PcapReader.Read(File.ReadAllBytes(TestData("captures", "sflow", File10G + ".pcap")), out _).Select(d => d.Payload).ToList();
        var counters = File.ReadLines(TestData("expected", "sflow-" + File10G + ".jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.GetProperty("sampleType").GetString() == "counters").ToList();
        Assert.True(counters.Count >= 2);
        using var client = _factory.CreateClient();

        Send("127.0.0.1", _factory.SFlowUdpPort, datagrams);

        // The exporter is known from the first live frame after its first datagram; until then the API answers 404.
        await Poll.UntilAsync(async () => (await client.GetAsync(ApiJson.Url("/api/exporters/127.0.0.1"))).StatusCode, s => s == System.Net.HttpStatusCode.OK,
            TimeSpan.FromSeconds(15), s => $"GET /api/exporters/127.0.0.1: {s}");
        var exporter = await Poll.UntilAsync(() => client.GetAsync<ExporterResponse>("/api/exporters/127.0.0.1"),
            e => e.Datagrams == datagrams.Count && e.SFlowInterfaces is { Count: > 0 }, TimeSpan.FromSeconds(15),
            e => $"{e.Datagrams} of {datagrams.Count} datagrams, {e.SFlowInterfaces?.Count ?? 0} interfaces");

        foreach (var group in counters.GroupBy(c => c.GetProperty("ifIndex").GetUInt32()))
        {
            var shown = Assert.Single(exporter.SFlowInterfaces!, i => i.IfIndex == group.Key);
            var last = group.Last();
            Assert.Equal("10.0.10.20", shown.Agent);
            Assert.Equal(last.GetProperty("ifSpeed").GetUInt64(), shown.IfSpeed);
            Assert.Equal(last.GetProperty("ifInOctets").GetUInt64(), shown.InOctets);
            Assert.Equal(last.GetProperty("ifOutOctets").GetUInt64(), shown.OutOctets);
            if (group.Count() < 2)
            {
                Assert.Null(shown.InBitsPerSecond);
                continue;
            }

            var previous = group.ElementAt(group.Count() - 2);
            var seconds = (Uptime(datagrams, last) - Uptime(datagrams, previous)) / 1000.0;
            var inBits = (last.GetProperty("ifInOctets").GetUInt64() - previous.GetProperty("ifInOctets").GetUInt64()) * 8 / seconds;
            var outBits = (last.GetProperty("ifOutOctets").GetUInt64() - previous.GetProperty("ifOutOctets").GetUInt64()) * 8 / seconds;
            Assert.Equal(seconds, shown.IntervalSeconds!.Value, 6);
            Assert.Equal(inBits, shown.InBitsPerSecond!.Value, 3);
            Assert.Equal(outBits, shown.OutBitsPerSecond!.Value, 3);
            Assert.Equal(100 * inBits / shown.IfSpeed, shown.InUtilisation!.Value, 6);
            Assert.Equal(100 * outBits / shown.IfSpeed, shown.OutUtilisation!.Value, 6);
            Assert.InRange(shown.InUtilisation.Value, 0, 100);
        }
    }

    /// <summary>The agent's uptime (ms) in the header of the datagram with this sample's sequence number (IPv4 agent: offset 20).</summary>
    private static uint Uptime(List<byte[]> datagrams, JsonElement sample)
    {
        var sequence = sample.GetProperty("datagramSeq").GetUInt32();
        var datagram = Assert.Single(datagrams, d => BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(16)) == sequence);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(4)));
        return BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(20));
    }
}
