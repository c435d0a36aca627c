using System.Buffers.Binary;
using System.Text.Json;
using FlowWeb.Api;
using FlowWeb.Core.Capture;
using FlowWeb.Core.Decoding.SFlow;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Storage.History;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static FlowWeb.Tests.Collection.CollectorHarness;

namespace FlowWeb.Tests.Collection;

/// <summary>
/// sFlow interface counters stored per minute, over real UDP into the app's sFlow port and read back through
/// <c>GET /api/sflow/agents/{agent}/history</c> from the SQLite file: the 2011 switch capture's 502 counters samples
/// against tshark's counters, and the project's own encoder across a 32-bit wrap, a counter reset and an agent restart.
/// </summary>
public sealed class SFlowCounterHistoryTests : IDisposable
{
    private readonly FlowWebFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static string TestData(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);

    [Fact]
    public async Task SwitchCapture_StoredIncreasesAndSecondsEqualTsharksCountersOverTheAgentsUptime()
    {
        var datagrams = PcapReader.Read(File.ReadAllBytes(TestData("captures", "sflow", "switch-2011.pcap")), out _).Select(d => d.Payload).ToList();
        var counters = File.ReadLines(TestData("expected", "sflow-switch-2011.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.GetProperty("sampleType").GetString() == "counters").ToList();
        Assert.Equal(502, counters.Count);

        // Expected per interface from tshark's values: each step between consecutive samples adds its octets and the agent's uptime difference.
        var expected = counters.GroupBy(c => c.GetProperty("ifIndex").GetUInt32()).ToDictionary(g => g.Key, g =>
        {
            ulong inOctets = 0, outOctets = 0, ms = 0;
            foreach (var (a, b) in g.Zip(g.Skip(1)))
            {
                var interval = Uptime(datagrams, b) - Uptime(datagrams, a);
                Assert.InRange(interval, 1u, SFlowCounterTotals.MaxIntervalMs);
                inOctets += b.GetProperty("ifInOctets").GetUInt64() - a.GetProperty("ifInOctets").GetUInt64();
                outOctets += b.GetProperty("ifOutOctets").GetUInt64() - a.GetProperty("ifOutOctets").GetUInt64();
                ms += interval;
            }

            return (In: inOctets, Out: outOctets, Ms: ms, Intervals: g.Count() - 1, Speed: g.Last().GetProperty("ifSpeed").GetInt64());
        });
        Assert.Equal(52, expected.Count);
        Assert.Contains(expected.Values, e => e.In > 0);
        using var client = _factory.CreateClient();

        Send("127.0.0.1", _factory.SFlowUdpPort, datagrams);

        var url = HistoryUrl("192.168.1.1", null);
        var history = await Poll.UntilAsync(() => client.GetAsync<SFlowCounterHistoryResponse>(url),
            h => h.Interfaces.Count == expected.Count && h.Interfaces.Sum(i => i.Buckets.Sum(b => b.Intervals)) == expected.Values.Sum(e => e.Intervals),
            TimeSpan.FromSeconds(30), h => $"{h.Interfaces.Count} interfaces, {h.Interfaces.Sum(i => i.Buckets.Sum(b => b.Intervals))} intervals stored");

        foreach (var stored in history.Interfaces)
        {
            var e = expected[stored.IfIndex];
            Assert.Equal(0u, stored.SubAgent);
            Assert.Equal((long)e.In, stored.Buckets.Sum(b => b.InOctets));
            Assert.Equal((long)e.Out, stored.Buckets.Sum(b => b.OutOctets));
            Assert.Equal(e.Ms / 1000.0, stored.Buckets.Sum(b => b.MeasuredSeconds), 6);
            Assert.Equal(0, stored.Buckets.Sum(b => b.Discontinuities));
            Assert.All(stored.Buckets, b => Assert.Equal(e.Speed, b.IfSpeed));

            // Each bucket's rates times its measured seconds, summed over however many minutes the samples fell in, give tshark's totals.
            Assert.Equal(e.In * 8.0, stored.Buckets.Sum(b => (b.InBitsPerSecond ?? 0) * b.MeasuredSeconds), Math.Max(e.In * 8.0 * 1e-9, 1e-6));
            Assert.Equal(e.Out * 8.0, stored.Buckets.Sum(b => (b.OutBitsPerSecond ?? 0) * b.MeasuredSeconds), Math.Max(e.Out * 8.0 * 1e-9, 1e-6));
            Assert.Equal(100 * (e.Out * 8.0 / (e.Ms / 1000.0)) / e.Speed, stored.Buckets.Sum(b => (b.OutUtilisation ?? 0) * b.MeasuredSeconds) / (e.Ms / 1000.0), 6);
        }

        Assert.Equal(1, history.Recorder.AgentsStored);
        Assert.Equal(52, history.Recorder.InterfacesStored);
    }

    [Fact]
    public async Task OwnEncoder_WrapResetAndRestart_OnlyTheMeasurableIntervalsAreStored()
    {
        const ulong Wrap = 1UL << 32;
        var encoder = new SFlowEncoder(FlowAddress.Parse("192.0.2.10"));
        var datagrams = new List<byte[]>();
        void Sample(uint uptimeMs, ulong inOctets, ulong outOctets, uint inErrors, uint inDiscards, uint? sequence = null)
        {
            encoder.UptimeMs = uptimeMs;
            if (sequence is { } s)
            {
                encoder.DatagramSequence = s;
            }

            var c = Counters(7, inOctets, outOctets);
            c.InErrors = inErrors;
            c.InDiscards = inDiscards;
            datagrams.Add(encoder.Encode([], [c]));
        }

        // A 32-bit in-counter wraps: 3 G octets in 30 s (800 Mbit/s) fits the 1 Gbit/s line, so it is a wrap.
        Sample(60_000, Wrap - 1_000_000, 5_000_000_000, 10, 0);
        Sample(90_000, 2_999_000_000, 5_375_000_000, 40, 60);

        // "clear counters": the 64-bit out-counter goes back from above 2^32, which no wrap explains: nothing is stored.
        Sample(120_000, 1_000, 100, 0, 0);
        Sample(150_000, 30_001_000, 30_000_100, 3, 0);

        // The agent restarts (uptime back by more than a minute, sequence from 1): again nothing for that interval.
        Sample(5_000, 500, 500, 0, 0, sequence: 1);
        Sample(35_000, 3_750_500, 7_500_500, 0, 0);

        using var client = _factory.CreateClient();
        Send("127.0.0.1", _factory.SFlowUdpPort, datagrams);

        var url = HistoryUrl("192.0.2.10", 7);
        var history = await Poll.UntilAsync(() => client.GetAsync<SFlowCounterHistoryResponse>(url),
            h => h.Interfaces.Sum(i => i.Buckets.Sum(b => b.Intervals + b.Discontinuities)) == 5,
            TimeSpan.FromSeconds(30), h => $"{h.Interfaces.Sum(i => i.Buckets.Sum(b => b.Intervals + b.Discontinuities))} of 5 intervals stored");

        var buckets = Assert.Single(history.Interfaces).Buckets;
        Assert.Equal(3, buckets.Sum(b => b.Intervals));
        Assert.Equal(2, buckets.Sum(b => b.Discontinuities));
        Assert.Equal(90.0, buckets.Sum(b => b.MeasuredSeconds), 9);
        Assert.Equal(3_000_000_000L + 30_000_000 + 3_750_000, buckets.Sum(b => b.InOctets));
        Assert.Equal(375_000_000L + 30_000_000 + 7_500_000, buckets.Sum(b => b.OutOctets));
        Assert.Equal(30 + 3, buckets.Sum(b => b.InErrors));
        Assert.Equal(60, buckets.Sum(b => b.InDiscards));

        // However the six samples fell into minutes: the buckets' rates over their measured seconds are 3,033,750,000
        // octets and 33 errors over the 90 measured seconds, against the encoder's values and a 1 Gbit/s line.
        double Weighted(Func<SFlowCounterBucketResponse, double?> rate) => buckets.Sum(b => (rate(b) ?? 0) * b.MeasuredSeconds) / 90;
        Assert.Equal(3_033_750_000.0 * 8 / 90, Weighted(b => b.InBitsPerSecond), 3);
        Assert.Equal(100 * 3_033_750_000.0 * 8 / 90 / 1_000_000_000, Weighted(b => b.InUtilisation), 9);
        Assert.Equal(33 / 90.0, Weighted(b => b.InErrorsPerSecond), 9);
    }

    [Fact]
    public async Task LateCountersSample_NotStoredAndCountedInTheMetrics()
    {
        var encoder = new SFlowEncoder(FlowAddress.Parse("192.0.2.11"));
        var datagrams = new List<byte[]>();
        foreach (var (uptime, octets) in new (uint, ulong)[] { (60_000, 1_000), (90_000, 3_001_000), (80_000, 2_001_000), (120_000, 6_001_000) })
        {
            encoder.UptimeMs = uptime;
            datagrams.Add(encoder.Encode([], [Counters(3, octets, octets)]));
        }

        using var client = _factory.CreateClient();
        Send("127.0.0.1", _factory.SFlowUdpPort, datagrams);

        const string Late = "flowweb_sflow_late_counters_samples_total{exporter=\"127.0.0.1\"} ";
        await Poll.UntilAsync(() => client.GetStringAsync(ApiJson.Url("/metrics")), m => m.Contains(Late + "1\n", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), m => "metric: " + string.Join(" | ", m.Split('\n').Where(l => l.StartsWith(Late, StringComparison.Ordinal))));

        // The late sample (80 s, behind the 90 s one) is skipped: 60→90 s and 90→120 s are stored, 6 M octets over 60 s.
        var history = await Poll.UntilAsync(() => client.GetAsync<SFlowCounterHistoryResponse>(HistoryUrl("192.0.2.11", 3)),
            h => h.Interfaces.Sum(i => i.Buckets.Sum(b => b.Intervals)) == 2, TimeSpan.FromSeconds(30),
            h => $"{h.Interfaces.Sum(i => i.Buckets.Sum(b => b.Intervals))} of 2 intervals stored");
        var buckets = Assert.Single(history.Interfaces).Buckets;
        Assert.Equal((6_000_000L, 60.0, 0L), (buckets.Sum(b => b.InOctets), buckets.Sum(b => b.MeasuredSeconds), buckets.Sum(b => b.Discontinuities)));
    }

    [Fact]
    public async Task History_MoreRowsThanTheCap_ValidationErrorNamesTheFieldToChange()
    {
        var store = _factory.Services.GetRequiredService<SFlowCounterStore>();
        var now = DateTimeOffset.UtcNow;
        var minute = now.ToUnixTimeSeconds() / 60 * 60;
        var delta = new SFlowCounterStore.MinuteDelta(new(1_000, 2_000, 0, 0, 0, 0, 30_000, 1, 0), 1_000_000_000);
        await store.AddAsync([.. Enumerable.Range(1, 3).Select(i => (new SFlowCounterStore.MinuteKey("192.0.2.20", 0, (uint)i, minute), delta))]);
        using var client = _factory.CreateClient();

        // 40 days of minutes is 57,601 buckets: three interfaces pass the cap, one does not.
        var from = now.AddDays(-40).ToUnixTimeSeconds();
        var to = now.AddMinutes(1).ToUnixTimeSeconds();
        using var all = await client.GetAsync(ApiJson.Url($"/api/sflow/agents/192.0.2.20/history?resolution=minute&from={from}&to={to}"));
        var problem = await all.ValidationProblemAsync();
        var message = Assert.Single(Assert.Single(problem.Errors, e => e.Key == "ifIndex").Value);
        Assert.Contains($"more than {SFlowCounterStore.MaxRows:N0}", message, StringComparison.Ordinal);
        var one = await client.GetAsync<SFlowCounterHistoryResponse>($"/api/sflow/agents/192.0.2.20/history?resolution=minute&from={from}&to={to}&ifIndex=2");
        Assert.Equal(2u, Assert.Single(one.Interfaces).IfIndex);

        // Exactly 100,000 minutes starting mid-minute touch 100,001 buckets: one interface over the cap names the resolution.
        var start = (minute - (100_000 * 60)) + 30;
        using var edge = await client.GetAsync(ApiJson.Url($"/api/sflow/agents/192.0.2.20/history?resolution=minute&from={start}&to={start + (100_000 * 60)}&ifIndex=2"));
        Assert.Single((await edge.ValidationProblemAsync()).Errors, e => e.Key == "resolution");
    }

    [Fact]
    public async Task History_SubAgent_OnlyThatSubAgentsInterfaces()
    {
        var store = _factory.Services.GetRequiredService<SFlowCounterStore>();
        var minute = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60;
        var delta = new SFlowCounterStore.MinuteDelta(new(1_000, 2_000, 0, 0, 0, 0, 30_000, 1, 0), 1_000_000_000);
        await store.AddAsync([(new("192.0.2.21", 0, 4, minute), delta), (new("192.0.2.21", 3, 4, minute), delta), (new("192.0.2.21", 3, 5, minute), delta)]);
        using var client = _factory.CreateClient();

        var history = await client.GetAsync<SFlowCounterHistoryResponse>(HistoryUrl("192.0.2.21", null) + "&subAgent=3");

        Assert.Equal([(3u, 4u), (3u, 5u)], history.Interfaces.Select(i => (i.SubAgent, i.IfIndex)));
    }

    [Theory]
    [InlineData(4_000_000_000UL, 100_000_000UL, 1_000_000_000UL, true)]
    [InlineData(4_000_000_000UL, 100_000_000UL, 10_000_000UL, false)]
    [InlineData(4_000_000_000UL, 100_000_000UL, 0UL, false)]
    [InlineData(5_000_000_000UL, 100_000_000UL, 10_000_000_000UL, false)]
    public void Octets_GoingBack_IsAWrapOnlyBelow2To32AndWithinTheLineRate(ulong previous, ulong latest, ulong speed, bool wrap)
    {
        // 30 s: a 1 Gbit/s line carries 3.75 G octets, a 10 Mbit/s line 37.5 M; the wrap here is 394 M octets.
        Assert.Equal(wrap, SFlowCounterTotals.Octets(previous, latest, 30_000, speed, out var increase));
        if (wrap)
        {
            Assert.Equal((1UL << 32) - previous + latest, increase);
        }
    }

    private static SFlowInterfaceCounters Counters(uint ifIndex, ulong inOctets, ulong outOctets)
    {
        var c = Decoding.SFlow.SFlowOwnPacketTests.Counters(ifIndex, inOctets, outOctets);
        c.IfSpeed = 1_000_000_000;
        return c;
    }

    private static string HistoryUrl(string agent, uint? ifIndex)
    {
        var now = DateTimeOffset.UtcNow;
        return $"/api/sflow/agents/{agent}/history?resolution=minute&from={now.AddHours(-1).ToUnixTimeSeconds()}&to={now.AddHours(1).ToUnixTimeSeconds()}"
            + (ifIndex is { } i ? $"&ifIndex={i}" : "");
    }

    /// <summary>The agent's uptime (ms) in the header of the datagram with this sample's sequence number (IPv4 agent: offset 20).</summary>
    private static uint Uptime(List<byte[]> datagrams, JsonElement sample)
    {
        var sequence = sample.GetProperty("datagramSeq").GetUInt32();
        var datagram = Assert.Single(datagrams, d => BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(16)) == sequence);
        return BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(20));
    }
}
