using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Live;
using static FlowWeb.Tests.Collection.CollectorHarness;

namespace FlowWeb.Tests.Collection;

/// <summary>
/// Several receive threads per port (<c>Collector:ReceiveThreads</c>, <c>SO_REUSEPORT</c>): the kernel spreads
/// exporters over the port's sockets, each thread counts into its own shard of the sensor, and what pages and history
/// read (merged once a second) equals what one thread counts from the same datagrams: totals, channels, every default
/// toplist row by row; the flow tail is full either way.
/// </summary>
public sealed class ReceiveThreadsTests
{
    private const int Exporters = 16;
    // 960 flows: every toplist (1,000 rows) lists every key, so the merged lists must equal the single thread's exactly.
    private const int FlowsPerExporter = 60;

    [Fact]
    public async Task SixteenExporters_FourThreads_SameTotalsChannelsToplistsAsOneThread()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var traffic = Enumerable.Range(0, Exporters).Select(e => (Source: $"127.0.3.{e + 1}", Datagrams: V5(Flows(e, now)))).ToList();

        var one = await RunAsync(receiveThreads: 1, traffic);
        var four = await RunAsync(receiveThreads: 4, traffic);

        // The point of the test: the four-thread run really used several threads.
        Assert.Equal(1, one.Shards);
        Assert.True(four.Shards >= 2, $"the kernel put all {Exporters} exporters on one socket ({four.Shards} shard)");
        Assert.Equal(Exporters * FlowsPerExporter, one.Reading.Counters.FlowsAccepted);
        Assert.Equal(one.Reading.Counters.FlowsAccepted, four.Reading.Counters.FlowsAccepted);
        Assert.Equal(one.Reading.Counters.Bytes, four.Reading.Counters.Bytes);
        Assert.Equal(one.Reading.Counters.Packets, four.Reading.Counters.Packets);
        for (var c = 0; c < one.Channels.Count; c++)
        {
            Assert.Equal(one.Channels[c], four.Channels[c]);
        }

        Assert.Equal(one.Toplists.Count, four.Toplists.Count);
        foreach (var (id, rows) in one.Toplists)
        {
            var other = four.Toplists[id];
            Assert.False(other.Approximate, $"toplist {id} became approximate with four threads");
            Assert.Equal(rows.TotalBytes, other.TotalBytes);
            Assert.Equal(rows.TotalFlows, other.TotalFlows);
            Assert.Equal(rows.Rows.Count, other.Rows.Count);
            Assert.Equal(rows.Rows.ToDictionary(r => r.Key, r => (r.Bytes, r.Packets, r.Flows)), other.Rows.ToDictionary(r => r.Key, r => (r.Bytes, r.Packets, r.Flows)));
        }

        // The tail keeps the newest flows, and which are newest depends on how the threads interleaved: both tails are
        // full, and every flow in them was sent.
        var sent = traffic.Count * FlowsPerExporter;
        Assert.Equal(Math.Min(sent, SensorShard.FlowTailCapacity), one.Tail.Count);
        Assert.Equal(one.Tail.Count, four.Tail.Count);
        var all = Enumerable.Range(0, Exporters).SelectMany(e => Flows(e, 0)).Select(f => (f.SrcAddr.ToString(), f.SrcPort, f.Bytes)).ToHashSet();
        Assert.All(four.Tail, f => Assert.Contains(f, all));
    }

    private static async Task<Run> RunAsync(int receiveThreads, List<(string Source, List<byte[]> Datagrams)> traffic)
    {
        var harness = await LiveHarness.StartAsync(receiveThreads: receiveThreads);
        await using var _ = harness;
        var port = FreeUdpPort();
        var sensor = await harness.AddSensorAsync(new SensorDefinition
        {
            Name = "Threads", Port = port, Protocol = ExpectedProtocol.NetFlowV5, ActiveFlowTimeoutMinutes = 0,
            Toplists = [.. ToplistDefinition.Defaults().Select(t => t with { Count = 1000 })],
        });
        Assert.Equal(receiveThreads, harness.Collector.Listeners.Single(l => l.Port == port).Threads);
        var runtime = harness.Collector.Sensor(sensor.Id)!;
        runtime.StartTail();
        foreach (var (source, datagrams) in traffic)
        {
            Send(source, port, datagrams);
        }

        await WaitUntilAsync(() => runtime.FlowsAccepted == Exporters * FlowsPerExporter, "every flow counted", timeoutMs: 20_000);
        var reading = runtime.Tick(DateTimeOffset.UtcNow, SensorInterest.Minimal with { ToplistRows = 1000, Tail = true, SeriesSeconds = 600 });
        var toplists = sensor.Toplists.ToDictionary(t => t.Id, t => runtime.ReadToplist(t.Id, 1000)!.Value.Running);
        var channels = Enumerable.Range(0, runtime.Channels.Channels.Count)
            .Select(c => reading.Series.BytesPerSecond[c].Sum()).ToList();
        var tail = reading.Tail!.Select(f => (f.Record.SrcAddr.ToString(), f.Record.SrcPort, f.Record.Bytes)).ToList();
        return new Run(reading, runtime.ShardLocks().Count, channels, toplists, tail);
    }

    /// <summary>An exporter's flows: its own sources, shared destinations (so toplists merge keys across threads), mixed protocols.</summary>
    private static List<FlowRecord> Flows(int exporter, long nowMs) => [.. Enumerable.Range(0, FlowsPerExporter).Select(i => Flow(
        $"10.{exporter}.{i / 50}.{(i % 50) + 1}", $"192.0.2.{(i % 9) + 1}", (ushort)(1024 + i), (ushort)(i % 3 == 0 ? 53 : 443),
        (byte)(i % 3 == 0 ? 17 : 6), (ulong)(500 + (exporter * 37) + (i * 11)), (ulong)(1 + (i % 5)), nowMs))];

    private sealed record Run(SensorReading Reading, int Shards, List<double> Channels, Dictionary<int, ToplistPeriodResult> Toplists,
        List<(string Source, ushort Port, ulong Bytes)> Tail);
}
